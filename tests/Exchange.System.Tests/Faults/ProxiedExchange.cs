using Exchange.System.Tests.Support;

namespace Exchange.System.Tests.Faults;

/// <summary>
/// One exchange whose domain services and index reach the policy service through a <see cref="FaultProxy"/>, whose
/// police domain service runs as a process of its own, with its
/// ledger on a small file system of its own when one can be mounted. Domain services wait 3 s for the policy service,
/// which waits 1 s for SQLite's write lock, so each fault shows itself well inside the gateway's deadline.
/// Shared by the tests of <see cref="ProxiedExchangeCollection"/>; each test clears the faults it sets.
/// </summary>
public sealed class ProxiedExchange : IAsyncLifetime
{
    public ExchangeCluster Cluster { get; private set; } = null!;

    public FaultScenario Family { get; private set; } = null!;

    public FaultProxy Proxy => Cluster.PolicyProxy!;

    /// <summary>The file system under the ledger, or null (then <see cref="NoSmallFileSystem"/> says why).</summary>
    public SmallFileSystem? LedgerDisk { get; private set; }

    public string NoSmallFileSystem { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        LedgerDisk = SmallFileSystem.TryMount(megabytes: 8, out var whyNot);
        NoSmallFileSystem = whyNot;
        Cluster = await ExchangeCluster.StartAsync(new ClusterOptions
        {
            PolicyBehindProxy = true,
            // The police's domain service, holder of the order, runs as its own process so a test can kill it mid-call.
            Processes = new HashSet<string> { "police" },
            LedgerDirectory = LedgerDisk is null ? null : Path.Combine(LedgerDisk.Path, "ledger"),
            PolicySettings = new Dictionary<string, string?> { ["Ledger:SqliteBusyTimeout"] = "00:00:01" },
            NodeSettings = new Dictionary<string, string?> { ["Node:PolicyDeadline"] = "00:00:03" },
            GatewaySettings = FaultSettings.NoRateLimit,
        });
        Family = await FaultScenario.CreateAsync(Cluster);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        LedgerDisk?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ProxiedExchangeCollection : ICollectionFixture<ProxiedExchange>
{
    public const string Name = "policy service behind a fault proxy";
}
