using Exchange.Client;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Exchange.Gateway;
using Exchange.Identity;
using Exchange.ServiceDefaults.Security;
using Exchange.Testing;
using Exchange.Topology;
using Grpc.Net.Client;

namespace Exchange.Security.Tests.Support;

/// <summary>
/// The exchange as partners meet it, from the launcher's topology, in this process but over real sockets: the identity service
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

    public SecuredExchange()
    {
        // Nothing listens at the policy address (port 9, discard): a call that got as far as asking for a decision fails closed.
        Topology = TestTopology.Create(Pki, _data.Path, ["identity", "policy", "index", .. TestTopology.Nodes, "gateway"],
            name => name == "policy" ? 9 : FreePorts.Next());
    }

    public TestPki Pki { get; } = new();

    /// <summary>The exchange these tests run: the launcher's topology, without a policy service.</summary>
    public ExchangeTopology Topology { get; }

    /// <summary>The gateway setting that says where <paramref name="partnerId"/>'s domain service runs, for a test that moves it.</summary>
    public string GatewayServiceAddressKey(string partnerId) =>
        $"Gateway:Partners:{Topology.Partners.Select(p => p.Id).ToList().IndexOf(partnerId)}:ServiceAddress";

    public BackendCalls Backend { get; } = new();

    /// <summary>Every service's log lines.</summary>
    public CapturingLogs Logs { get; } = new();

    public byte[] PseudonymKey => TopologyCredentials.PseudonymKey(Topology);

    public TestIdentity Identity => _identity ?? throw new InvalidOperationException("not started");

    public RunningService Gateway => _gateway ?? throw new InvalidOperationException("not started");

    public Uri GatewayAddress => Gateway.Address;

    public RunningService Index => _services[0];

    /// <summary>The domain service holding each demo partner's data, by organisation id.</summary>
    public IReadOnlyDictionary<string, RunningService> Nodes { get; private set; } = new Dictionary<string, RunningService>();

    /// <summary>The console user's password (the topology writes one per privacy officer).</summary>
    public string ConsolePassword => File.ReadAllText(Topology.ConsolePassword(ConsoleUserName)).Trim();

    /// <summary>The privacy officers' system's own certificate: CN vt-mwb, a key of its own.</summary>
    public X509Certificate2 PrivacyOfficerCertificate { get; private set; } = null!;

    /// <summary>The certificate of <see cref="RevocableClient"/>: CN swt-tilburg, a key of its own.</summary>
    public X509Certificate2 RevocableCertificate { get; private set; } = null!;

    /// <summary>The certificate of <see cref="StreamingClient"/>: CN vt-mwb, a key of its own.</summary>
    public X509Certificate2 StreamingCertificate { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        PrivacyOfficerCertificate = Pki.Directory.LoadClient(PrivacyOfficerClient);
        RevocableCertificate = Pki.SystemCertificate(RevocableClient, "swt-tilburg", "Sociaal wijkteam Tilburg");
        StreamingCertificate = Pki.SystemCertificate(StreamingClient, "vt-mwb", "Veilig Thuis Midden- en West-Brabant");

        // Besides the topology's clients: a console with a test redirect, a police client with two-second tokens,
        // and clients with certificates of their own that the tests revoke.
        var identity = Topology.Require(ExchangePart.Identity);
        ClientRegistration Client(string clientId, string organisationId, string certificate, TimeSpan? lifetime = null) =>
            TopologySettings.SystemClient(Topology, clientId, organisationId, organisationId, DomainOf(organisationId), ExchangeScopes.Partner) with
            {
                CertificatePaths = [Pki.ClientCertificatePath(certificate)],
                AccessTokenLifetime = lifetime,
            };
        var settings = Topology.For(identity).With<IdentityOptions>(IdentityOptions.Section, o => o with
        {
            Clients =
            [
                .. o.Clients,
                new ClientRegistration
                {
                    ClientId = ConsoleClient,
                    Kind = ClientKind.Console,
                    RedirectUris = [ConsoleRedirect],
                    Scopes = ["openid", ExchangeScopes.LedgerReview],
                },
                Client(ShortLivedClient, "politie-zwb", "politie-zwb", TimeSpan.FromSeconds(2)),
                Client(RevocableClient, "swt-tilburg", RevocableClient),
                Client(StreamingClient, "vt-mwb", StreamingClient),
            ],
        }).ToSettings().ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        _identity = await TestIdentity.StartAsync(identity, settings, Pki, Logs);

        _services.Add(await StartBackendAsync(Topology.Require(ExchangePart.Index)));
        var nodes = new Dictionary<string, RunningService>(StringComparer.Ordinal);
        foreach (var process in Topology.Processes.Where(p => p.Part == ExchangePart.Node))
        {
            var node = await StartBackendAsync(process);
            _services.Add(node);
            foreach (var partner in Topology.Partners.Where(p => process.Domains.Contains(p.Domain)))
            {
                nodes[partner.Id] = node;
            }
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
        var gateway = Topology.Require(ExchangePart.Gateway);
        var settings = Topology.For(gateway)
            .With<GatewayOptions>(GatewayOptions.Section, g => g with { PlatformRoutes = [new PlatformRoute { Services = ["ledger.v1.LedgerService"], Address = Index.Address }] })
            .ToSettings()
            .ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        Merge(settings, overrides);
        // A second gateway of a test listens on a port of its own.
        if (_gateway is not null)
        {
            settings["Endpoint:Url"] = "https://127.0.0.1:0";
        }

        return await InProcessServices.StartAsync(gateway, settings, Logs);
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

    private Task<RunningService> StartBackendAsync(ExchangeProcess process) =>
        InProcessServices.StartAsync(process, Topology.Settings(process), Logs, map: Backend.Observe);

    private string DomainOf(string organisationId) => DomainNames.ToName(Topology.Partners.Single(p => p.Id == organisationId).Domain);

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
