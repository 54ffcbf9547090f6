using Exchange.Topology;

namespace Exchange.Testing;

/// <summary>
/// The launcher's topology as the in-process harnesses use it: the test's own CA and data directory, a free
/// loopback port per process, token checks with one second of clock skew (so that a test sees a token expire),
/// and only the processes the harness runs.
/// </summary>
public static class TestTopology
{
    public static ExchangeTopology Create(TestPki pki, string dataRoot, IEnumerable<string> processes, Func<string, int>? port = null)
    {
        var topology = ExchangeTopology.OnLoopback(Repository.Root, dataRoot, pki.Directory, port ?? (_ => FreePorts.Next()), processes) with
        {
            TokenClockSkew = TimeSpan.FromSeconds(1),
            UnknownKeyRefreshInterval = TimeSpan.FromSeconds(1),
            LedgerOrigin = "exchange.test/ledger",
        };
        TopologyCredentials.Ensure(topology, "Need-to-Know Exchange test CA");
        return topology;
    }

    /// <summary>The shared domain services of a topology, by name: police, veiligthuis, childprotection, socialteam.</summary>
    public static readonly IReadOnlyList<string> Nodes = ["police", "veiligthuis", "childprotection", "socialteam"];
}
