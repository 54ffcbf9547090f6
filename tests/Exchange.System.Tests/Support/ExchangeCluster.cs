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
/// methods: the identity service, index, policy service with an SQLite ledger, the four domain services,
/// and the gateway with mutual TLS. Partners reach it only through the gateway, with their client
/// certificates and access tokens bound to them; every service checks those tokens again.
/// </summary>
public sealed class ExchangeCluster : IAsyncDisposable
{
    private readonly TempDirectory _data = new("exchange-cluster");
    private readonly Dictionary<string, GrpcChannel> _channels = [];
    private readonly Dictionary<string, Func<Task>> _starters = [];
    private readonly Dictionary<string, PartnerTokenClient> _tokens = [];
    private readonly ClusterOptions _options;
    private TestIdentity? _identity;

    private ExchangeCluster(TestPki pki, CapturingLogs logs, ClusterOptions options)
    {
        Pki = pki;
        Logs = logs;
        _options = options;
        LedgerPath = Path.Combine(options.LedgerDirectory ?? Path.Combine(_data.Path, "ledger"), "ledger.db");
    }

    public TestPki Pki { get; }

    public CapturingLogs Logs { get; }

    public string DataDirectory => _data.Path;

    public Dictionary<string, RunningService> Services { get; } = [];

    /// <summary>The services <see cref="ClusterOptions.Processes"/> runs as processes of their own, by the same names.</summary>
    public Dictionary<string, ServiceProcess> Processes { get; } = [];

    /// <summary>The proxy between the policy service and its callers, when <see cref="ClusterOptions.PolicyBehindProxy"/>.</summary>
    public FaultProxy? PolicyProxy { get; private set; }

    public RunningService Policy => Services["policy"];

    public RunningService Gateway => Services["gateway"];

    /// <summary>Veilig Thuis's privacy officers' system: it may read the ledger (exchange.ledger.review), nothing else.</summary>
    public const string LedgerReviewer = "vt-mwb-fg";

    public TestIdentity Identity => _identity ?? throw new InvalidOperationException("The exchange has not started.");

    public string LedgerPath { get; }

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

        await Add(name, async () => Services[name] = await StartInProcess(name, typeof(VeiligThuisServiceExtensions), config, b =>
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

    public static async Task<ExchangeCluster> StartAsync(ClusterOptions? options = null)
    {
        var cluster = new ExchangeCluster(new TestPki(), new CapturingLogs(), options ?? new ClusterOptions());
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

    public Task StopAsync(string service) => Processes.TryGetValue(service, out var process) ? process.KillAsync() : Services[service].StopAsync();

    /// <summary>Kills a service that runs as its own process with SIGKILL, in the middle of whatever it was doing.</summary>
    public Task KillAsync(string service) => Processes[service].KillAsync();

    /// <summary>Starts a stopped service again on the same port, with the same data.</summary>
    public async Task RestartAsync(string service)
    {
        if (Processes.TryGetValue(service, out var process))
        {
            await process.DisposeAsync();
        }
        else
        {
            await Services[service].DisposeAsync();
        }

        await _starters[service]();
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

        foreach (var process in Processes.Values)
        {
            await process.DisposeAsync();
        }

        if (PolicyProxy is not null)
        {
            await PolicyProxy.DisposeAsync();
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
        var identitySettings = new Dictionary<string, string?>(TestIdentity.SystemClient(
            partners.Count, LedgerReviewer, partners.Single(p => p.Id == DemoPartners.VeiligThuis), Pki.ClientCertificatePath(LedgerReviewer), [ExchangeScopes.LedgerReview]));
        foreach (var (setting, value) in _options.IdentitySettings)
        {
            identitySettings[setting] = value;
        }

        _identity = await TestIdentity.StartAsync(Pki, partners, identitySettings, Logs);
        var key = _pseudonymKey;
        var index = IndexAddress;
        if (_options.PolicyBehindProxy)
        {
            PolicyProxy = await FaultProxy.StartAsync(PolicyAddress);
        }

        // Where the policy service's callers (the index and the domain services) reach it.
        var policy = PolicyProxy?.Address ?? PolicyAddress;
        var nodes = new Dictionary<Domain, Uri>
        {
            [Domain.Police] = FreePorts.NextHttp(),
            [Domain.VeiligThuis] = FreePorts.NextHttp(),
            [Domain.ChildProtection] = FreePorts.NextHttp(),
            [Domain.SocialTeam] = FreePorts.NextHttp(),
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
            PolicyAddress,
            ("Policy:BundleDirectory", Repository.Path("policies")),
            ("Policy:IndexAddress", index.ToString()),
            ("Ledger:Store", "Sqlite"),
            ("Ledger:SqlitePath", LedgerPath),
            ("Ledger:SigningKeyPath", Path.Combine(_data.Path, "ledger", "signing.key")),
            ("Ledger:Origin", "exchange.test/ledger"));
        Partners(policyConfig, "Policy", _ => null, string.Empty);
        foreach (var (setting, value) in _options.PolicySettings)
        {
            policyConfig[setting] = value;
        }

        await Add("policy", () => Start("policy", typeof(PolicyServiceExtensions), policyConfig, b => b.AddPolicyService(), a => a.MapPolicyService()));

        foreach (var (id, _, domain) in DemoPartners.All)
        {
            var config = Config(
                nodes[domain],
                ("Node:Organisations:0", id),
                ("Node:DataDirectory", Path.Combine(_data.Path, id)),
                ("Node:PolicyAddress", policy.ToString()),
                ("Node:IndexAddress", index.ToString()));
            foreach (var (setting, value) in _options.NodeSettings)
            {
                config[setting] = value;
            }

            await Add(id, domain switch
            {
                Domain.Police => () => Start(id, typeof(PoliceServiceExtensions), config, b => b.AddPoliceService(), a => a.MapPoliceService()),
                Domain.VeiligThuis => () => Start(id, typeof(VeiligThuisServiceExtensions), config, b => b.AddVeiligThuisService(), a => a.MapVeiligThuisService()),
                Domain.ChildProtection => () => Start(id, typeof(ChildProtectionServiceExtensions), config, b => b.AddChildProtectionService(), a => a.MapChildProtectionService()),
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
        foreach (var (setting, value) in _options.GatewaySettings)
        {
            gatewayConfig[setting] = value;
        }

        await Add("gateway", () => Start("gateway", typeof(GatewayExtensions), gatewayConfig, b => b.AddGateway(), a =>
        {
            a.MapGrpcHealthChecksService();
            a.MapGateway();
        }));
    }

    private async Task Add(string name, Func<Task> start)
    {
        _starters[name] = start;
        await start();
    }

    /// <summary>
    /// Starts a service in the test process, or, when the options say so, from its own build output as a process of
    /// its own (with the same settings), so that it can be killed outright.
    /// </summary>
    private async Task Start(string name, Type marker, Dictionary<string, string?> config, Action<WebApplicationBuilder> add, Action<WebApplication> map)
    {
        if (_options.Processes.Contains(name))
        {
            var assembly = marker.Assembly.GetName().Name!;
            Processes[name] = await ServiceProcess.StartAsync(name, Path.Combine("services", assembly["Exchange.".Length..]), assembly, config);
            return;
        }

        Services[name] = await StartInProcess(name, marker, config, add, map);
    }

    private Task<RunningService> StartInProcess(string name, Type marker, Dictionary<string, string?> config, Action<WebApplicationBuilder> add, Action<WebApplication> map) =>
        RunningService.StartAsync(name, marker, config, add, app =>
        {
            if (name != "gateway")
            {
                app.MapServiceDefaults();
            }

            map(app);
        }, Logs);
}

/// <summary>
/// How a fault test wants the exchange built: which services run as processes of their own (to be killed with
/// SIGKILL), whether the policy service's callers reach it through a <see cref="FaultProxy"/>, where the ledger
/// lies (e.g. on a small file system), and settings that add to or override each kind of service's.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>Names as in <see cref="ExchangeCluster.Services"/>: "policy", "index", or a partner id for its domain service.</summary>
    public IReadOnlySet<string> Processes { get; init; } = new HashSet<string>();

    public bool PolicyBehindProxy { get; init; }

    public string? LedgerDirectory { get; init; }

    public IReadOnlyDictionary<string, string?> PolicySettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> NodeSettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> IdentitySettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> GatewaySettings { get; init; } = new Dictionary<string, string?>();
}
