using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Exchange.Load;

/// <summary>
/// The four baselines of issue 16 in one run, one after the other against the same exchange with the same workers
/// and duration: (a) a trivial RPC straight at a domain service over h2c, (b) the same RPC through the gateway,
/// (c) the full pull disclosure, (d) a signal fanned out to three inboxes. Measuring them side by side in one run
/// makes their ratios meaningful on a shared machine, where absolute figures drift from minute to minute.
/// </summary>
public sealed class Baselines(LoadOptions options, TextWriter progress)
{
    /// <summary>The measurements to make (a, b, c, d); all four unless a profile needs only some.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>(["a", "b", "c", "d"], StringComparer.Ordinal);

    public async Task<BaselineReport> RunAsync(CancellationToken cancellationToken)
    {
        var target = LocalTarget.Read(options.Manifest);
        var machine = MachineInfo.Read();
        var loadBefore = MachineInfo.LoadAverage();
        var results = new List<(string Name, string Description, LoadResult Result)>();

        async Task Measure(string name, string description, Func<Task<LoadResult>> run)
        {
            if (!Only.Contains(name))
            {
                return;
            }

            await progress.WriteLineAsync($"{name}: {description}");
            results.Add((name, description, await run()));
        }

        await Measure("a", "HolderDecisions.ListPending straight at the police service (h2c)",
            () => new TrivialCallLoad(options, target, throughGateway: false).RunAsync(cancellationToken));
        await Measure("b", "HolderDecisions.ListPending through the gateway (mTLS, bound token)",
            () => new TrivialCallLoad(options, target, throughGateway: true).RunAsync(cancellationToken));
        await Measure("c", "pull disclosure through the gateway (decided, ledgered, redacted, receipted)",
            () => new PullDisclosureLoad(options, progress).RunAsync(target, cancellationToken));
        await Measure("d", "restraining order published and delivered to 3 inboxes",
            () => new FanOutLoad(options, progress).RunAsync(target, cancellationToken));
        return new BaselineReport(machine, DateTimeOffset.UtcNow, loadBefore, MachineInfo.LoadAverage(), options, results);
    }
}

/// <summary>The figures of one baseline run, as a table for people or as JSON for tools and tests.</summary>
public sealed record BaselineReport(
    MachineInfo Machine,
    DateTimeOffset Date,
    string LoadAverageBefore,
    string LoadAverageAfter,
    LoadOptions Options,
    IReadOnlyList<(string Name, string Description, LoadResult Result)> Measurements)
{
    /// <summary>Throughput ratios (how much of the cheaper path's rate the costlier one keeps) and p50 ratios.</summary>
    public IReadOnlyList<(string Name, double Value)> Ratios()
    {
        var byName = Measurements.ToDictionary(m => m.Name, m => m.Result, StringComparer.Ordinal);
        static double Ratio(double over, double under) => under == 0 ? 0 : over / under;
        (string, string)[] pairs = [.. new[] { ("b", "a"), ("c", "b"), ("c", "a"), ("d", "c") }.Where(p => byName.ContainsKey(p.Item1) && byName.ContainsKey(p.Item2))];
        return
        [
            .. pairs.Select(p => ($"{p.Item1}_over_{p.Item2}_ratio", Ratio(byName[p.Item1].PerSecond, byName[p.Item2].PerSecond))),
            .. pairs.Select(p => ($"p50_{p.Item1}_over_{p.Item2}_ratio", Ratio(byName[p.Item1].P50, byName[p.Item2].P50))),
        ];
    }

    public bool AllSucceeded => Measurements.All(m => m.Result.Calls > 0 && m.Result.Errors == 0);

    public string ToText()
    {
        var text = new System.Text.StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"exchange-load baselines, {Date:yyyy-MM-dd HH:mm} UTC, commit {Machine.Commit}");
        text.AppendLine(inv, $"machine: {Machine.Cores} cores, {Machine.Cpu}, {Machine.Os}, .NET {Machine.Runtime}");
        text.AppendLine(inv, $"load average (1/5/15 min): before {LoadAverageBefore}, after {LoadAverageAfter}");
        text.AppendLine(inv, $"{Options.Workers} workers, {Options.Duration.TotalSeconds:0} s per measurement, {Options.People} people");
        text.AppendLine();
        text.AppendLine("| | measurement | calls | calls/s | p50 ms | p90 ms | p99 ms | max ms | errors |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, description, r) in Measurements)
        {
            var errors = r.Errors == 0 ? "0" : $"{r.Errors} ({string.Join(", ", r.Outcomes.Where(o => o.Key != Grpc.Core.StatusCode.OK).Select(o => $"{o.Key} {o.Value}"))})";
            text.AppendLine(inv, $"| {name} | {description} | {r.Calls:N0} | {r.PerSecond:N0} | {r.P50:0.00} | {r.P90:0.00} | {r.P99:0.00} | {r.Max:0.0} | {errors} |");
        }

        text.AppendLine();
        text.AppendLine(string.Join(", ", Ratios().Select(r => string.Create(inv, $"{r.Name} {r.Value:0.000}"))));
        return text.ToString();
    }

    public string ToJson()
    {
        var measurements = new JsonObject();
        foreach (var (name, description, r) in Measurements)
        {
            measurements[name] = new JsonObject
            {
                ["description"] = description,
                ["calls"] = r.Calls,
                ["errors"] = r.Errors,
                ["outcomes"] = new JsonObject(r.Outcomes.OrderBy(o => o.Key).Select(o => KeyValuePair.Create(o.Key.ToString(), (JsonNode?)o.Value))),
                ["per_second"] = Math.Round(r.PerSecond, 1),
                ["p50_ms"] = Math.Round(r.P50, 3),
                ["p90_ms"] = Math.Round(r.P90, 3),
                ["p99_ms"] = Math.Round(r.P99, 3),
                ["max_ms"] = Math.Round(r.Max, 3),
            };
        }

        var json = new JsonObject
        {
            ["date"] = Date.ToString("O", CultureInfo.InvariantCulture),
            ["commit"] = Machine.Commit,
            ["machine"] = new JsonObject
            {
                ["cores"] = Machine.Cores,
                ["cpu"] = Machine.Cpu,
                ["os"] = Machine.Os,
                ["runtime"] = Machine.Runtime,
                ["load_average_before"] = LoadAverageBefore,
                ["load_average_after"] = LoadAverageAfter,
            },
            ["workers"] = Options.Workers,
            ["seconds_per_measurement"] = Options.Duration.TotalSeconds,
            ["people"] = Options.People,
            ["measurements"] = measurements,
        };
        foreach (var (name, value) in Ratios())
        {
            json[name] = Math.Round(value, 4);
        }

        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}

/// <summary>Where a run was made: cores, CPU model, OS, runtime and the commit of the working tree.</summary>
public sealed record MachineInfo(int Cores, string Cpu, string Os, string Runtime, string Commit)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        CpuModel(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription.Replace(".NET ", string.Empty, StringComparison.Ordinal),
        GitCommit());

    /// <summary>The 1, 5 and 15 minute load averages (/proc/loadavg), or "unknown" off Linux.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>The commit of the repository the tool runs in (marked -dirty with uncommitted changes), or "unknown".</summary>
    private static string GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["describe", "--always", "--dirty", "--abbrev=12"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null)
            {
                return "unknown";
            }

            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && commit.Length > 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
