using Exchange.Client;
using System.Globalization;
using System.Security.Cryptography;
using Exchange.ChildProtection;
using Exchange.Contracts.V1;
using Exchange.Gateway;
using Exchange.Index;
using Exchange.Police;
using Exchange.Policy;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Security;
using Exchange.SocialTeam;
using Exchange.Testing;
using Exchange.VeiligThuis;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Exchange.System.Tests.Support;

/// <summary>
/// The whole exchange on loopback, each service on its own real socket and wired by its own extension
/// methods: the identity service, index, policy service with an SQLite ledger, the domain services (the GI
/// on a child-protection service of its own),
/// and the gateway with mutual TLS. Partners reach it only through the gateway, with their client
/// certificates and access tokens bound to them; every service checks those tokens again.
/// </summary>
public sealed class ExchangeCluster : IAsyncDisposable
{
    private readonly TempDirectory _data = new("exchange-cluster");
    private readonly Dictionary<string, GrpcChannel> _channels = [];
    private readonly Dictionary<string, Func<Task<RunningService>>> _starters = [];
    private readonly Dictionary<string, PartnerTokenClient> _tokens = [];
    private TestIdentity? _identity;

    private ExchangeCluster(TestPki pki, CapturingLogs logs)
    {
        Pki = pki;
        Logs = logs;
    }

    public TestPki Pki { get; }

    public CapturingLogs Logs { get; }

    public string DataDirectory => _data.Path;

    public Dictionary<string, RunningService> Services { get; } = [];

    public RunningService Policy => Services["policy"];

    public RunningService Gateway => Services["gateway"];

    /// <summary>Veilig Thuis's privacy officers' system: it may read the ledger (exchange.ledger.review), nothing else.</summary>
    public const string LedgerReviewer = "vt-mwb-fg";

    public TestIdentity Identity => _identity ?? throw new InvalidOperationException("The exchange has not started.");

    public string LedgerPath => Path.Combine(_data.Path, "ledger", "ledger.db");

    public Uri IndexAddress { get; } = FreePorts.NextHttp();

    public Uri PolicyAddress { get; } = FreePorts.NextHttp();

    private readonly string _pseudonymKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// One more Veilig Thuis domain service holding <paramref name="organisationId"/>'s data, configured like the cluster's own
    /// (same policy service, index and pseudonym key, its own data directory), e.g. as a partner would host it;
    /// <paramref name="settings"/> add or override (an https endpoint), <paramref name="add"/> and
    /// <paramref name="map"/> change its wiring. It stops with the cluster.
    /// </summary>
    public async Task<RunningService> StartVeiligThuisNodeAsync(
        string name, string organisationId, IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? add = null, Action<WebApplication>? map = null)
    {
        var config = new Dictionary<string, string?>(Identity.TokenValidation)
        {
            ["Pseudonyms:Key"] = _pseudonymKey,
            ["Node:Organisations:0"] = organisationId,
            ["Node:DataDirectory"] = Path.Combine(_data.Path, name),
            ["Node:PolicyAddress"] = PolicyAddress.ToString(),
            ["Node:IndexAddress"] = IndexAddress.ToString(),
        };
        foreach (var (setting, value) in settings)
        {
            config[setting] = value;
        }

        await Add(name, () => Start(name, typeof(VeiligThuisServiceExtensions), config, b =>
        {
            b.AddVeiligThuisService();
            add?.Invoke(b);
        }, a =>
        {
            map?.Invoke(a);
            a.MapVeiligThuisService();
        }));
        return Services[name];
    }

    public static async Task<ExchangeCluster> StartAsync()
    {
        var cluster = new ExchangeCluster(new TestPki(), new CapturingLogs());
        try
        {
            await cluster.StartServicesAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A client's channel to the gateway, presenting its own client certificate and an access token bound
    /// to it: a partner's system (by organisation id), or <see cref="LedgerReviewer"/>.
    /// </summary>
    public GrpcChannel Channel(string clientId)
    {
        if (!_channels.TryGetValue(clientId, out var channel))
        {
            var tokens = Identity.TokenClient(clientId);
            _tokens[clientId] = tokens;
            channel = PartnerChannel.Create(Gateway.Address, Pki.Ca, Pki.Directory.LoadClient(clientId), tokens);
            _channels[clientId] = channel;
        }

        return channel;
    }

    public Task StopAsync(string service) => Services[service].StopAsync();

    /// <summary>Starts a stopped service again on the same port, with the same data.</summary>
    public async Task RestartAsync(string service)
    {
        await Services[service].DisposeAsync();
        Services[service] = await _starters[service]();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        foreach (var tokens in _tokens.Values)
        {
            tokens.Dispose();
        }

        foreach (var service in Services.Values.Reverse())
        {
            await service.DisposeAsync();
        }

        if (_identity is not null)
        {
            await _identity.DisposeAsync();
        }

        Pki.Dispose();
        _data.Dispose();
    }

    private async Task StartServicesAsync()
    {
        var partners = DemoPartners.All.Select(p => new TestPartner(p.Id, p.Name, DomainNames.ToName(p.Domain))).ToList();
        Pki.SystemCertificate(LedgerReviewer, DemoPartners.VeiligThuis, "Veilig Thuis Midden- en West-Brabant, FG").Dispose();
        _identity = await TestIdentity.StartAsync(
            Pki,
            partners,
            TestIdentity.SystemClient(
                partners.Count, LedgerReviewer, partners.Single(p => p.Id == DemoPartners.VeiligThuis), Pki.ClientCertificatePath(LedgerReviewer), [ExchangeScopes.LedgerReview]),
            Logs);
        var key = _pseudonymKey;
        var index = IndexAddress;
        var policy = PolicyAddress;
        var nodes = new Dictionary<Domain, Uri>
        {
            [Domain.Police] = FreePorts.NextHttp(),
            [Domain.VeiligThuis] = FreePorts.NextHttp(),
            [Domain.ChildProtection] = FreePorts.NextHttp(),
            [Domain.SocialTeam] = FreePorts.NextHttp(),
            [Domain.YouthProtection] = FreePorts.NextHttp(),
        };

        Dictionary<string, string?> Config(Uri url, params (string Key, string? Value)[] settings)
        {
            var config = new Dictionary<string, string?>(Identity.TokenValidation) { ["Endpoint:Url"] = url.ToString(), ["Pseudonyms:Key"] = key };
            foreach (var (name, value) in settings)
            {
                config[name] = value;
            }

            return config;
        }

        void Partners(Dictionary<string, string?> config, string section, Func<Domain, Uri?> address, string addressKey)
        {
            for (var i = 0; i < DemoPartners.All.Count; i++)
            {
                var (id, name, domain) = DemoPartners.All[i];
                var n = i.ToString(CultureInfo.InvariantCulture);
                config[$"{section}:Partners:{n}:Id"] = id;
                config[$"{section}:Partners:{n}:Name"] = name;
                config[$"{section}:Partners:{n}:Domain"] = domain.ToString();
                if (address(domain) is { } uri)
                {
                    config[$"{section}:Partners:{n}:{addressKey}"] = uri.ToString();
                }
            }
        }

        var indexConfig = Config(index, ("Index:DataDirectory", Path.Combine(_data.Path, "index")), ("Index:PolicyAddress", policy.ToString()));
        Partners(indexConfig, "Index", d => nodes[d], "NodeAddress");
        await Add("index", () => Start("index", typeof(IndexServiceExtensions), indexConfig, b => b.AddIndexService(), a => a.MapIndexService()));

        var policyConfig = Config(
            policy,
            ("Policy:BundleDirectory", Repository.Path("policies")),
            ("Policy:IndexAddress", index.ToString()),
            ("Ledger:Store", "Sqlite"),
            ("Ledger:SqlitePath", LedgerPath),
            ("Ledger:SigningKeyPath", Path.Combine(_data.Path, "ledger", "signing.key")),
            ("Ledger:Origin", "exchange.test/ledger"));
        Partners(policyConfig, "Policy", _ => null, string.Empty);
        await Add("policy", () => Start("policy", typeof(PolicyServiceExtensions), policyConfig, b => b.AddPolicyService(), a => a.MapPolicyService()));

        foreach (var (id, _, domain) in DemoPartners.All)
        {
            var config = Config(
                nodes[domain],
                ("Node:Organisations:0", id),
                ("Node:DataDirectory", Path.Combine(_data.Path, id)),
                ("Node:PolicyAddress", policy.ToString()),
                ("Node:IndexAddress", index.ToString()));
            await Add(id, domain switch
            {
                Domain.Police => () => Start(id, typeof(PoliceServiceExtensions), config, b => b.AddPoliceService(), a => a.MapPoliceService()),
                Domain.VeiligThuis => () => Start(id, typeof(VeiligThuisServiceExtensions), config, b => b.AddVeiligThuisService(), a => a.MapVeiligThuisService()),
                Domain.ChildProtection or Domain.YouthProtection => () => Start(id, typeof(ChildProtectionServiceExtensions), config, b => b.AddChildProtectionService(), a => a.MapChildProtectionService()),
                _ => () => Start(id, typeof(SocialTeamServiceExtensions), config, b => b.AddSocialTeamService(), a => a.MapSocialTeamService()),
            });
        }

        var gatewayConfig = Config(
            new Uri("https://127.0.0.1:0"),
            ("Endpoint:CertificatePath", Pki.ServerCertificatePath),
            ("Endpoint:KeyPath", Pki.ServerKeyPath),
            ("Endpoint:ClientCaPath", Pki.CaPath),
            ("Endpoint:ClientRevocationListPath", Pki.RevocationListPath),
            ("Endpoint:RequireClientCertificate", "true"),
            ("Gateway:IndexAddress", index.ToString()),
            ("Gateway:PlatformRoutes:0:Services:0", "ledger.v1.LedgerService"),
            ("Gateway:PlatformRoutes:0:Address", policy.ToString()));
        Partners(gatewayConfig, "Gateway", d => nodes[d], "ServiceAddress");
        await Add("gateway", () => Start("gateway", typeof(GatewayExtensions), gatewayConfig, b => b.AddGateway(), a =>
        {
            a.MapGrpcHealthChecksService();
            a.MapGateway();
        }));
    }

    private async Task Add(string name, Func<Task<RunningService>> start)
    {
        _starters[name] = start;
        Services[name] = await start();
    }

    private Task<RunningService> Start(string name, Type marker, Dictionary<string, string?> config, Action<WebApplicationBuilder> add, Action<WebApplication> map) =>
        RunningService.StartAsync(name, marker, config, add, app =>
        {
            if (name != "gateway")
            {
                app.MapServiceDefaults();
            }

            map(app);
        }, Logs);
}
