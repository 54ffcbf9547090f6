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
    private readonly Dictionary<string, Func<Task<RunningService>>> _starters = [];
    private readonly Dictionary<string, PartnerTokenClient> _tokens = [];
    private TestIdentity? _identity;

    private ExchangeCluster(TestPki pki, CapturingLogs logs)
    {
        Pki = pki;
        Logs = logs;
        Topology = TestTopology.Create(pki, _data.Path, ["identity", "policy", "index", .. TestTopology.Nodes, "gateway"]);
    }

    public TestPki Pki { get; }

    public CapturingLogs Logs { get; }

    public ExchangeTopology Topology { get; }

    public string DataDirectory => _data.Path;

    /// <summary>The running services by process name (identity aside): policy, index, police, veiligthuis, …, gateway.</summary>
    public Dictionary<string, RunningService> Services { get; } = [];

    public RunningService Policy => Services["policy"];

    public RunningService Gateway => Services["gateway"];

    /// <summary>The domain service that holds the data of <paramref name="organisationId"/> (a demo partner).</summary>
    public RunningService NodeOf(string organisationId) =>
        Services[Topology.NodeFor(Topology.Partners.Single(p => p.Id == organisationId).Domain).Name];

    /// <summary>Veilig Thuis's privacy officers' system: it may read the ledger (exchange.ledger.review), nothing else.</summary>
    public const string LedgerReviewer = "vt-mwb-fg";

    public TestIdentity Identity => _identity ?? throw new InvalidOperationException("The exchange has not started.");

    public string LedgerPath => Topology.LedgerDatabase;

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

        await Add(name, () => InProcessServices.StartAsync(process, configuration, Logs, add, map));
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
        var identity = Topology.Require(ExchangePart.Identity);
        _identity = await TestIdentity.StartAsync(identity, Topology.Settings(identity), Pki, Logs);
        foreach (var process in Topology.StartOrder.Where(p => p.Part is not ExchangePart.Identity))
        {
            var settings = Topology.Settings(process);
            await Add(process.Name, () => InProcessServices.StartAsync(process, settings, Logs));
        }
    }

    private async Task Add(string name, Func<Task<RunningService>> start)
    {
        _starters[name] = start;
        Services[name] = await start();
    }
}
