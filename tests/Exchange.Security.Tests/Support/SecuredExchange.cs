using Exchange.Client;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.ChildProtection;
using Exchange.Gateway;
using Exchange.Index;
using Exchange.Police;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Security;
using Exchange.SocialTeam;
using Exchange.Testing;
using Exchange.VeiligThuis;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace Exchange.Security.Tests.Support;

/// <summary>
/// The exchange as partners meet it, in this process but over real sockets: the identity service
/// (HTTPS, tls_client_auth), the index and the four domain services (h2c on loopback, each checking
/// tokens again), and the gateway (mTLS with the test CA and its CRL). The policy service is absent on
/// purpose: a call that got that far would fail closed, and these tests are about getting that far.
/// </summary>
public sealed class SecuredExchange : IAsyncLifetime
{
    /// <summary>Veilig Thuis's privacy officers' system: may review the ledger, nothing else.</summary>
    public const string PrivacyOfficerClient = "vt-mwb-fg";

    /// <summary>A police client whose tokens live two seconds, to watch one expire.</summary>
    public const string ShortLivedClient = "politie-zwb-kort";

    /// <summary>A second social-team client with a certificate of its own, which a test revokes.</summary>
    public const string RevocableClient = "swt-tilburg-tweede";

    /// <summary>A second Veilig Thuis client with a certificate of its own, revoked while its inbox stream is open.</summary>
    public const string StreamingClient = "vt-mwb-stroom";

    public const string ConsoleClient = "exchange-console";
    public const string ConsoleUserName = "fg.vt-mwb";
    public static readonly Uri ConsoleRedirect = new("https://127.0.0.1/console/signin-callback");

    private readonly TempDirectory _data = new("exchange-secured");
    private readonly ConcurrentDictionary<string, PartnerTokenClient> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly List<RunningService> _services = [];
    private TestIdentity? _identity;
    private RunningService? _gateway;

    public TestPki Pki { get; } = new();

    public BackendCalls Backend { get; } = new();

    /// <summary>Every service's log lines.</summary>
    public CapturingLogs Logs { get; } = new();

    public byte[] PseudonymKey { get; } = RandomNumberGenerator.GetBytes(32);

    public TestIdentity Identity => _identity ?? throw new InvalidOperationException("not started");

    public RunningService Gateway => _gateway ?? throw new InvalidOperationException("not started");

    public Uri GatewayAddress => Gateway.Address;

    public RunningService Index => _services[0];

    public IReadOnlyDictionary<string, RunningService> Nodes { get; private set; } = new Dictionary<string, RunningService>();

    public string ConsolePassword { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));

    /// <summary>The privacy officers' system's own certificate: CN vt-mwb, a key of its own.</summary>
    public X509Certificate2 PrivacyOfficerCertificate { get; private set; } = null!;

    /// <summary>The certificate of <see cref="RevocableClient"/>: CN swt-tilburg, a key of its own.</summary>
    public X509Certificate2 RevocableCertificate { get; private set; } = null!;

    /// <summary>The certificate of <see cref="StreamingClient"/>: CN vt-mwb, a key of its own.</summary>
    public X509Certificate2 StreamingCertificate { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        PrivacyOfficerCertificate = Pki.SystemCertificate(PrivacyOfficerClient, "vt-mwb", "Veilig Thuis Midden- en West-Brabant, FG");
        var officerPath = Pki.ClientCertificatePath(PrivacyOfficerClient);
        RevocableCertificate = Pki.SystemCertificate(RevocableClient, "swt-tilburg", "Sociaal wijkteam Tilburg");
        var revocablePath = Pki.ClientCertificatePath(RevocableClient);
        StreamingCertificate = Pki.SystemCertificate(StreamingClient, "vt-mwb", "Veilig Thuis Midden- en West-Brabant");
        var passwordFile = _data.File("console-password.txt");
        await File.WriteAllTextAsync(passwordFile, ConsolePassword);

        var vt = TestPartner.Demo.Single(p => p.Id == "vt-mwb");
        var police = TestPartner.Demo.Single(p => p.Id == "politie-zwb");
        var extra = new Dictionary<string, string?>
        {
            ["Identity:Clients:6:ClientId"] = ConsoleClient,
            ["Identity:Clients:6:Kind"] = "Console",
            ["Identity:Clients:6:RedirectUris:0"] = ConsoleRedirect.AbsoluteUri,
            ["Identity:Clients:6:Scopes:0"] = "openid",
            ["Identity:Clients:6:Scopes:1"] = ExchangeScopes.LedgerReview,
            ["Identity:Users:0:UserName"] = ConsoleUserName,
            ["Identity:Users:0:DisplayName"] = "Functionaris gegevensbescherming VT",
            ["Identity:Users:0:OrganisationId"] = "vt-mwb",
            ["Identity:Users:0:PasswordFile"] = passwordFile,
            ["Identity:Users:0:Scopes:0"] = "openid",
            ["Identity:Users:0:Scopes:1"] = ExchangeScopes.LedgerReview,
        };
        Merge(extra, TestIdentity.SystemClient(4, PrivacyOfficerClient, vt, officerPath, [ExchangeScopes.LedgerReview]));
        Merge(extra, TestIdentity.SystemClient(
            5, ShortLivedClient, police, Pki.ClientCertificatePath("politie-zwb"), ExchangeScopes.Partner, TimeSpan.FromSeconds(2)));
        Merge(extra, TestIdentity.SystemClient(
            7, RevocableClient, TestPartner.Demo.Single(p => p.Id == "swt-tilburg"), revocablePath, ExchangeScopes.Partner));
        Merge(extra, TestIdentity.SystemClient(8, StreamingClient, vt, Pki.ClientCertificatePath(StreamingClient), ExchangeScopes.Partner));
        foreach (var partner in TestPartner.Demo)
        {
            Pki.ClientCertificate(partner.Id, partner.Name).Dispose();
        }

        _identity = await TestIdentity.StartAsync(Pki, TestPartner.Demo, extra, Logs);

        // Nothing listens at the policy address: a call that got as far as asking for a decision fails closed.
        const string NoPolicy = "http://127.0.0.1:9";
        var nodeAddresses = TestPartner.Demo.ToDictionary(p => p.Id, _ => FreePorts.NextHttp(), StringComparer.Ordinal);
        var indexAddress = FreePorts.NextHttp();
        var index = new Dictionary<string, string?>
        {
            ["Endpoint:Url"] = indexAddress.ToString(),
            ["Index:DataDirectory"] = _data.Subdirectory("index"),
            ["Index:PolicyAddress"] = NoPolicy,
        };
        for (var i = 0; i < TestPartner.Demo.Count; i++)
        {
            var partner = TestPartner.Demo[i];
            index[$"Index:Partners:{i}:Id"] = partner.Id;
            index[$"Index:Partners:{i}:Name"] = partner.Name;
            index[$"Index:Partners:{i}:Domain"] = DomainNames.Parse(partner.Domain).ToString();
            index[$"Index:Partners:{i}:NodeAddress"] = nodeAddresses[partner.Id].ToString();
        }

        _services.Add(await StartBackendAsync("exchange-index", typeof(IndexServiceExtensions), index, b => b.AddIndexService(), a => a.MapIndexService()));
        var nodes = new Dictionary<string, RunningService>(StringComparer.Ordinal);
        foreach (var partner in TestPartner.Demo)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Endpoint:Url"] = nodeAddresses[partner.Id].ToString(),
                ["Node:Organisations:0"] = partner.Id,
                ["Node:DataDirectory"] = _data.Subdirectory(partner.Id),
                ["Node:PolicyAddress"] = NoPolicy,
                ["Node:IndexAddress"] = indexAddress.ToString(),
            };
            var node = partner.Domain switch
            {
                "police" => await StartBackendAsync("exchange-police", typeof(PoliceServiceExtensions), settings, b => b.AddPoliceService(), a => a.MapPoliceService()),
                "veilig-thuis" => await StartBackendAsync("exchange-veiligthuis", typeof(VeiligThuisServiceExtensions), settings, b => b.AddVeiligThuisService(), a => a.MapVeiligThuisService()),
                "child-protection" => await StartBackendAsync("exchange-childprotection", typeof(ChildProtectionServiceExtensions), settings, b => b.AddChildProtectionService(), a => a.MapChildProtectionService()),
                _ => await StartBackendAsync("exchange-socialteam", typeof(SocialTeamServiceExtensions), settings, b => b.AddSocialTeamService(), a => a.MapSocialTeamService()),
            };
            _services.Add(node);
            nodes[partner.Id] = node;
        }

        Nodes = nodes;
        _gateway = await StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Gateway:RateLimit:PermitsPerSecond"] = "1000",
            ["Gateway:RateLimit:Burst"] = "1000",
        });
    }

    /// <summary>
    /// A gateway in front of this exchange's services; <paramref name="overrides"/> changes its limits.
    /// The ledger route points at the index as a stand-in backend: these tests show that the gateway lets
    /// a ledger review through, not what the ledger answers.
    /// </summary>
    public async Task<RunningService> StartGatewayAsync(IReadOnlyDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>(Pki.TlsEndpoint(requireClientCertificate: true))
        {
            ["Gateway:IndexAddress"] = Index.Address.ToString(),
            ["Gateway:PlatformRoutes:0:Services:0"] = "ledger.v1.LedgerService",
            ["Gateway:PlatformRoutes:0:Address"] = Index.Address.ToString(),
        };
        var i = 0;
        foreach (var partner in TestPartner.Demo)
        {
            var prefix = $"Gateway:Partners:{i++.ToString(CultureInfo.InvariantCulture)}:";
            settings[prefix + "Id"] = partner.Id;
            settings[prefix + "Name"] = partner.Name;
            settings[prefix + "Domain"] = DomainNames.Parse(partner.Domain).ToString();
            settings[prefix + "ServiceAddress"] = Nodes[partner.Id].Address.ToString();
        }

        Merge(settings, Identity.TokenValidation);
        Merge(settings, overrides);
        return await RunningService.StartAsync(
            "exchange-gateway", typeof(GatewayExtensions), settings,
            b => b.AddGateway(),
            a =>
            {
                a.MapGrpcHealthChecksService();
                a.MapGateway();
            },
            Logs);
    }

    /// <summary>A token client for a registered client, authenticating with that client's certificate.</summary>
    public PartnerTokenClient Tokens(string clientId) =>
        _tokens.GetOrAdd(clientId, id => id switch
        {
            ShortLivedClient => Identity.TokenClient(id, certificateName: "politie-zwb"),
            _ => Identity.TokenClient(id),
        });

    /// <summary>The client's certificate: the privacy officers' own, or the partner's.</summary>
    public X509Certificate2 Certificate(string clientId) => clientId switch
    {
        PrivacyOfficerClient => PrivacyOfficerCertificate,
        RevocableClient => RevocableCertificate,
        StreamingClient => StreamingCertificate,
        ShortLivedClient => Pki.ClientCertificate("politie-zwb"),
        _ => Pki.ClientCertificate(clientId),
    };

    /// <summary>The client's channel to the gateway: its certificate and its tokens.</summary>
    public GrpcChannel Channel(string clientId) =>
        _channels.GetOrAdd(clientId, id => PartnerChannel.Create(GatewayAddress, Pki.Ca, Certificate(id), Tokens(id)));

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("EXCHANGE_TEST_LOGS") is { Length: > 0 } path)
        {
            await File.WriteAllLinesAsync(path, Logs.Lines);
        }

        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        foreach (var tokens in _tokens.Values)
        {
            tokens.Dispose();
        }

        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        if (_identity is not null)
        {
            await _identity.DisposeAsync();
        }

        PrivacyOfficerCertificate?.Dispose();
        RevocableCertificate?.Dispose();
        StreamingCertificate?.Dispose();
        Pki.Dispose();
        _data.Dispose();
    }

    private async Task<RunningService> StartBackendAsync(
        string name, Type marker, IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder> add, Action<WebApplication> map)
    {
        var configuration = new Dictionary<string, string?>(settings) { ["Pseudonyms:Key"] = Convert.ToBase64String(PseudonymKey) };
        Merge(configuration, Identity.TokenValidation);
        return await RunningService.StartAsync(
            name,
            marker,
            configuration,
            add,
            app =>
            {
                Backend.Observe(app);
                app.MapServiceDefaults();
                map(app);
            },
            Logs);
    }

    private static void Merge(Dictionary<string, string?> target, IReadOnlyDictionary<string, string?> source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SecuredExchangeCollection : ICollectionFixture<SecuredExchange>
{
    public const string Name = "secured exchange";
}
