using Exchange.Client;
using Exchange.Contracts.V1;
using Exchange.Node.Hosting;
using Exchange.Testing;
using Exchange.Topology;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace Exchange.System.Tests.Support;

/// <summary>
/// The whole exchange on loopback, as the launcher's topology describes it, each service on its own real socket
/// and wired by its own extension methods: the identity service, index, policy service with an SQLite ledger, the
/// shared domain services, and the gateway with mutual TLS. Partners reach it only through the gateway, with their
/// client certificates and access tokens bound to them; every service checks those tokens again.
/// </summary>
public sealed class ExchangeCluster : IAsyncDisposable
{
    private readonly TempDirectory _data = new("exchange-cluster");
    private readonly Dictionary<string, GrpcChannel> _channels = [];
    private readonly Dictionary<string, Func<Task>> _starters = [];
    private readonly ClusterOptions _options;
    private readonly Dictionary<string, PartnerTokenClient> _tokens = [];
    private TestIdentity? _identity;

    private ExchangeCluster(TestPki pki, CapturingLogs logs, ClusterOptions options)
    {
        Pki = pki;
        Logs = logs;
        _options = options;
        Topology = TestTopology.Create(pki, _data.Path, ["identity", "policy", "index", .. TestTopology.Nodes, "gateway"]);
        LedgerPath = options.LedgerDirectory is null ? Topology.LedgerDatabase : Path.Combine(options.LedgerDirectory, "ledger.db");
    }

    public TestPki Pki { get; }

    public CapturingLogs Logs { get; }

    public ExchangeTopology Topology { get; }

    public string DataDirectory => _data.Path;

    /// <summary>The running services by process name (identity aside): policy, index, police, veiligthuis, …, gateway.</summary>
    public Dictionary<string, RunningService> Services { get; } = [];

    /// <summary>The services <see cref="ClusterOptions.Processes"/> runs as processes of their own, by the same names.</summary>
    public Dictionary<string, ServiceProcess> Processes { get; } = [];

    /// <summary>The proxy between the policy service and its callers, when <see cref="ClusterOptions.PolicyBehindProxy"/>.</summary>
    public FaultProxy? PolicyProxy { get; private set; }

    public RunningService Policy => Services["policy"];

    public RunningService Gateway => Services["gateway"];

    /// <summary>The domain service that holds the data of <paramref name="organisationId"/> (a demo partner).</summary>
    public RunningService NodeOf(string organisationId) =>
        Services[Topology.NodeFor(Topology.Partners.Single(p => p.Id == organisationId).Domain).Name];

    /// <summary>Veilig Thuis's privacy officers' system: it may read the ledger (exchange.ledger.review), nothing else.</summary>
    public const string LedgerReviewer = "vt-mwb-fg";

    public TestIdentity Identity => _identity ?? throw new InvalidOperationException("The exchange has not started.");

    public string LedgerPath { get; }

    public Uri IndexAddress => Topology.Require(ExchangePart.Index).Url;

    public Uri PolicyAddress => Topology.Require(ExchangePart.Policy).Url;

    /// <summary>
    /// One more Veilig Thuis domain service holding <paramref name="organisationId"/>'s data, configured like the cluster's own
    /// (same policy service, index and pseudonym key, its own data directory), e.g. as a partner would host it;
    /// <paramref name="settings"/> add or override (an https endpoint), <paramref name="add"/> and
    /// <paramref name="map"/> change its wiring. It stops with the cluster.
    /// </summary>
    public async Task<RunningService> StartVeiligThuisNodeAsync(
        string name, string organisationId, IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? add = null, Action<WebApplication>? map = null)
    {
        var process = Topology.NodeFor(Domain.VeiligThuis);
        var configuration = Topology.For(process)
            .With<NodeOptions>(NodeOptions.Section, node => node with { Organisations = [organisationId], DataDirectory = Path.Combine(_data.Path, name) })
            .ToSettings()
            .ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        foreach (var (setting, value) in settings)
        {
            configuration[setting] = value;
        }

        // The cluster's own Veilig Thuis node has the internal endpoint at the topology's address.
        if (configuration.ContainsKey("Endpoint:InternalUrl"))
        {
            configuration["Endpoint:InternalUrl"] = "https://127.0.0.1:0";
        }

        await Add(name, async () => Services[name] = await InProcessServices.StartAsync(process, configuration, Logs, add, map));
        return Services[name];
    }

    public static Task<ExchangeCluster> StartAsync(ClusterOptions? options = null) => StartAsync(new TestPki(), options);

    /// <summary>The exchange with a CA of the caller's, whose certificate paths the caller needs in <paramref name="options"/>.</summary>
    public static async Task<ExchangeCluster> StartAsync(TestPki pki, ClusterOptions? options = null)
    {
        var cluster = new ExchangeCluster(pki, new CapturingLogs(), options ?? new ClusterOptions());
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
        var identity = Topology.Require(ExchangePart.Identity);
        _identity = await TestIdentity.StartAsync(identity, Override(Topology.Settings(identity), _options.IdentitySettings), Pki, Logs);
        if (_options.PolicyBehindProxy)
        {
            // In front of the policy service's internal endpoint, where its callers' decisions and appends arrive.
            PolicyProxy = await FaultProxy.StartAsync(Topology.Require(ExchangePart.Policy).CallUrl, Pki);
        }

        foreach (var process in Topology.StartOrder.Where(p => p.Part is not ExchangePart.Identity))
        {
            var settings = Topology.Settings(process);
            if (PolicyProxy is not null && process.Part is not ExchangePart.Policy)
            {
                // The policy service's callers reach it through the proxy; the policy service itself listens where it always does.
                foreach (var (key, value) in settings.Where(s => SameAddress(s.Value, Topology.Require(ExchangePart.Policy).CallUrl)).ToList())
                {
                    settings[key] = PolicyProxy.Address.ToString();
                }
            }

            if (process.Part is ExchangePart.Policy)
            {
                settings["Ledger:SqlitePath"] = LedgerPath;
            }

            Override(settings, process.Part switch
            {
                ExchangePart.Policy => _options.PolicySettings,
                ExchangePart.Node => _options.NodeSettings,
                ExchangePart.Gateway => _options.GatewaySettings,
                _ => new Dictionary<string, string?>(),
            });
            await Add(process.Name, () => Start(process, settings));
        }
    }

    /// <summary>
    /// Starts a service in the test process, or, when the options say so, from its own build output as a process of
    /// its own (with the same settings), so that it can be killed outright.
    /// </summary>
    private async Task Start(ExchangeProcess process, Dictionary<string, string?> settings)
    {
        if (_options.Processes.Contains(process.Name))
        {
            Processes[process.Name] = await ServiceProcess.StartAsync(process.Name, process.ProjectDirectory, process.AssemblyName, settings);
            return;
        }

        Services[process.Name] = await InProcessServices.StartAsync(process, settings, Logs);
    }

    private async Task Add(string name, Func<Task> start)
    {
        _starters[name] = start;
        await start();
    }

    private static Dictionary<string, string?> Override(Dictionary<string, string?> settings, IReadOnlyDictionary<string, string?> overrides)
    {
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static bool SameAddress(string? value, Uri address) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && Uri.Compare(uri, address, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.Ordinal) == 0;
}

/// <summary>
/// How a fault test wants the exchange built: which services run as processes of their own (to be killed with
/// SIGKILL), whether the policy service's callers reach it through a <see cref="FaultProxy"/>, where the ledger
/// lies (e.g. on a small file system), and settings that add to or override each kind of service's.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>Process names as in <see cref="ExchangeCluster.Services"/>: "policy", "index", "police", ….</summary>
    public IReadOnlySet<string> Processes { get; init; } = new HashSet<string>();

    public bool PolicyBehindProxy { get; init; }

    public string? LedgerDirectory { get; init; }

    public IReadOnlyDictionary<string, string?> PolicySettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> NodeSettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> IdentitySettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> GatewaySettings { get; init; } = new Dictionary<string, string?>();
}
