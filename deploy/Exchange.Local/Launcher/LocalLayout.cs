using System.Reflection;
using Exchange.Pki;
using Exchange.Topology;

namespace Exchange.Local.Launcher;

/// <summary>Where the local exchange keeps its files (everything under .exchange/ in the repository, git-ignored) and its base port.</summary>
public sealed record LocalLayout(string RepositoryRoot, string DataRoot, int BasePort)
{
    /// <summary>The gateway's per-partner rate (calls per second); null keeps the gateway's default.</summary>
    public int? PartnerRate { get; init; }

    /// <summary>
    /// Every service writes its spans to logs/&lt;service&gt;.traces.jsonl (--trace-files), to follow a call across
    /// services. Off by default: a span per hop written and flushed one line at a time costs every call.
    /// </summary>
    public bool TraceFiles { get; init; }

    public string Manifest => Path.Combine(DataRoot, "local.json");

    /// <summary>The exchange this layout runs: every process on 127.0.0.1 at the base port plus its offset.</summary>
    public ExchangeTopology Topology() =>
        ExchangeTopology.OnLoopback(RepositoryRoot, DataRoot, new PkiDirectory(Path.Combine(DataRoot, "pki")), name => BasePort + ExchangeTopology.Offset(name))
            with
        {
            PartnerRate = PartnerRate,
            TraceFiles = TraceFiles,
        };

    /// <summary>The built assembly of a service, in the configuration the launcher itself was built in.</summary>
    public string Assembly(ExchangeProcess process)
    {
        var configuration = typeof(LocalLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";
        return Path.Combine(RepositoryRoot, process.ProjectDirectory, "bin", configuration, "net10.0", process.AssemblyName + ".dll");
    }

    /// <summary>The repository root: where Exchange.sln is, searched upwards from the working directory.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Exchange.sln")))
            {
                return directory.FullName;
            }
        }

        return typeof(LocalLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value?.TrimEnd('/')
            ?? throw new InvalidOperationException("Run the launcher inside the repository (Exchange.sln not found).");
    }
}
