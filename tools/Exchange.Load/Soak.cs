using System.Globalization;
using System.Text;

namespace Exchange.Load;

/// <summary>One soak: how long, how often to sample, and the load (workers split between pulls and publishes).</summary>
public sealed record SoakOptions(LoadOptions Load, TimeSpan Length, TimeSpan Interval)
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromHours(2);

    /// <summary>How many intervals make the run's length (at least one).</summary>
    public int Intervals => Math.Max(1, (int)Math.Round(Length / Interval));

    public IEnumerable<string> Validate()
    {
        foreach (var problem in (Load with { Duration = Interval }).Validate().Where(p => !p.StartsWith("--seconds", StringComparison.Ordinal)))
        {
            yield return problem;
        }

        if (Load.Workers < 2)
        {
            yield return "--workers must be at least 2 for a soak: half pull, half publish.";
        }

        if (Length <= TimeSpan.Zero || Length > MaxLength)
        {
            yield return $"--minutes (or --seconds) must give a run of at most {MaxLength.TotalMinutes:0} minutes.";
        }

        if (Interval < TimeSpan.FromSeconds(1) || Interval > LoadOptions.MaxDuration || Interval > Length)
        {
            yield return $"--interval must be between 1 and {LoadOptions.MaxDuration.TotalSeconds:0} seconds and at most the run's length.";
        }
    }
}

/// <summary>
/// A long run, not in CI: a steady mixed load (half the workers pull disclosures, half publish restraining orders
/// that are delivered to three inboxes) for minutes, and after every interval each process of the launcher sampled
/// from /proc (resident memory, open file descriptors, threads, CPU used in the interval) with the interval's calls
/// and latencies. The summary compares the first and the last quarter of the run: a process whose memory or
/// descriptors keep growing under a load that does not, or latency that drifts, shows there.
/// </summary>
public sealed class Soak(SoakOptions options, TextWriter progress)
{
    /// <summary>Kernel clock ticks per second, in which /proc/&lt;pid&gt;/stat counts CPU time (USER_HZ: 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    public async Task<SoakReport> RunAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("soak reads /proc: Linux only.");
        }

        var target = LocalTarget.Read(options.Load.Manifest);
        var processes = Processes(target, options.Load.Manifest);
        var half = options.Load with { Workers = options.Load.Workers / 2, Duration = options.Interval };
        await progress.WriteLineAsync($"soak: {options.Length.TotalMinutes:0.##} min, {half.Workers} pulling and {options.Load.Workers - half.Workers} publishing, "
            + $"sampling {processes.Count} processes every {options.Interval.TotalSeconds:0} s");
        await using var pulls = await new PullDisclosureLoad(half, progress).OpenAsync(target, cancellationToken);
        await using var publishes = await new FanOutLoad(half with { Workers = options.Load.Workers - half.Workers }, progress).OpenAsync(target, cancellationToken);

        var machine = MachineInfo.Read();
        var loadBefore = MachineInfo.LoadAverage();
        var intervals = new List<SoakInterval>();
        var cpu = processes.ToDictionary(p => p.Key, p => CpuTicks(p.Value), StringComparer.Ordinal);
        var started = DateTimeOffset.UtcNow;
        var last = started;
        // A count of intervals, not a deadline: a slow first interval (connections, JIT in every process) does not cut the run short.
        for (var n = 0; n < options.Intervals; n++)
        {
            var pulled = LoadRunner.RunAsync(half.Workers, options.Interval, pulls.Call, cancellationToken);
            var published = LoadRunner.RunAsync(options.Load.Workers - half.Workers, options.Interval, publishes.Call, cancellationToken);
            await Task.WhenAll(pulled, published);
            var now = DateTimeOffset.UtcNow;
            var samples = new List<ProcessSample>(processes.Count);
            foreach (var (name, pid) in processes)
            {
                var ticks = CpuTicks(pid);
                samples.Add(Sample(name, pid, (ticks - cpu[name]) / TicksPerSecond / (now - last).TotalSeconds));
                cpu[name] = ticks;
            }

            last = now;
            var interval = new SoakInterval(intervals.Count + 1, now - started, await pulled, await published, samples);
            intervals.Add(interval);
            await progress.WriteAsync(interval.ToText());
        }

        return new SoakReport(machine, started, loadBefore, MachineInfo.LoadAverage(), options, intervals);
    }

    /// <summary>Every service of the launcher (its manifest's process ids) and the launcher itself (launcher.pid beside the manifest).</summary>
    private static SortedDictionary<string, int> Processes(LocalTarget target, string manifest)
    {
        var processes = new SortedDictionary<string, int>(target.Manifest.Processes.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        var pidFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifest))!, "launcher.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var launcher))
        {
            processes["launcher"] = launcher;
        }

        return processes;
    }

    /// <summary>utime + stime of /proc/&lt;pid&gt;/stat (fields 14 and 15, counted after the command name, which may hold spaces).</summary>
    private static long CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    private static ProcessSample Sample(string name, int pid, double cpuShare)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            long Field(string key) => status.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) is { } line
                ? long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
                : 0;
            return new ProcessSample(name, pid, true, Field("VmRSS:") / 1024.0, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length, (int)Field("Threads:"), cpuShare);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The process is gone (or not ours to read): a soak that loses a process says so in every later row.
            return new ProcessSample(name, pid, false, 0, 0, 0, 0);
        }
    }
}

/// <summary>One process at the end of an interval: resident memory (MB), open descriptors, threads, CPU share of one core in the interval.</summary>
public sealed record ProcessSample(string Name, int Pid, bool Alive, double RssMb, int Descriptors, int Threads, double Cpu);

/// <summary>One interval of a soak: its calls (pulls, publishes) and every process sampled at its end.</summary>
public sealed record SoakInterval(int Number, TimeSpan EndsAt, LoadResult Pulls, LoadResult Publishes, IReadOnlyList<ProcessSample> Processes)
{
    public string ToText()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"interval {Number} (ends at {EndsAt.TotalSeconds:0} s): pulls {Pulls.PerSecond:0.0}/s p50 {Pulls.P50:0.0} ms p99 {Pulls.P99:0.0} ms errors {Pulls.Errors}; "
            + $"publishes {Publishes.PerSecond:0.0}/s p50 {Publishes.P50:0.0} ms p99 {Publishes.P99:0.0} ms errors {Publishes.Errors}");
        text.AppendLine("| process | pid | RSS MB | fds | threads | CPU % |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var p in Processes)
        {
            text.AppendLine(p.Alive
                ? string.Create(inv, $"| {p.Name} | {p.Pid} | {p.RssMb:0.0} | {p.Descriptors} | {p.Threads} | {p.Cpu * 100:0} |")
                : string.Create(inv, $"| {p.Name} | {p.Pid} | gone | | | |"));
        }

        return text.ToString();
    }
}

/// <summary>A soak's intervals and the comparison of its first and last quarter.</summary>
public sealed record SoakReport(
    MachineInfo Machine, DateTimeOffset Started, string LoadAverageBefore, string LoadAverageAfter, SoakOptions Options, IReadOnlyList<SoakInterval> Intervals)
{
    /// <summary>The first and the last quarter of the intervals (at least one each).</summary>
    public (IReadOnlyList<SoakInterval> First, IReadOnlyList<SoakInterval> Last) Quarters()
    {
        var quarter = Math.Max(1, Intervals.Count / 4);
        return (Intervals.Take(quarter).ToList(), Intervals.Skip(Intervals.Count - quarter).ToList());
    }

    public bool AllSucceeded => Intervals.Count > 0 && Intervals.All(i => i.Pulls.Errors == 0 && i.Publishes.Errors == 0 && i.Processes.All(p => p.Alive));

    public string Summary()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var (first, last) = Quarters();
        text.AppendLine(inv, $"summary: {Intervals.Count} intervals of {Options.Interval.TotalSeconds:0} s, {Intervals[^1].EndsAt.TotalMinutes:0.0} min, {Options.Load.Workers} workers, "
            + $"{Options.Load.People} people; first quarter = intervals 1-{first.Count}, last quarter = {last[0].Number}-{Intervals.Count}");
        text.AppendLine(inv, $"machine: {Machine.Cores} cores, {Machine.Cpu}, {Machine.Os}, .NET {Machine.Runtime}; commit {Machine.Commit}; "
            + $"started {Started:yyyy-MM-dd HH:mm} UTC; load average before {LoadAverageBefore}, after {LoadAverageAfter}");
        text.AppendLine("| process | RSS MB first q | RSS MB last q | RSS growth | fds first q | fds last q | fds growth | threads last q | CPU % mean |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var name in Intervals[0].Processes.Select(p => p.Name))
        {
            double Mean(IReadOnlyList<SoakInterval> part, Func<ProcessSample, double> value) =>
                part.Select(i => i.Processes.Single(p => p.Name == name)).Where(p => p.Alive).Select(value).DefaultIfEmpty(0).Average();
            var rss = (First: Mean(first, p => p.RssMb), Last: Mean(last, p => p.RssMb));
            var fds = (First: Mean(first, p => p.Descriptors), Last: Mean(last, p => p.Descriptors));
            text.AppendLine(inv, $"| {name} | {rss.First:0.0} | {rss.Last:0.0} | {rss.Last - rss.First:+0.0;-0.0;0.0} MB ({Percent(rss.First, rss.Last)}) | "
                + $"{fds.First:0} | {fds.Last:0} | {fds.Last - fds.First:+0;-0;0} | {Mean(last, p => p.Threads):0} | {Mean(Intervals, p => p.Cpu) * 100:0} |");
        }

        text.AppendLine();
        text.AppendLine("| calls | first q calls/s | last q calls/s | p50 ms first q | p50 ms last q | p99 ms first q | p99 ms last q | errors |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (kind, pick) in new (string, Func<SoakInterval, LoadResult>)[] { ("pulls", i => i.Pulls), ("publishes (3 inboxes)", i => i.Publishes) })
        {
            double Mean(IReadOnlyList<SoakInterval> part, Func<LoadResult, double> value) => part.Select(i => value(pick(i))).Average();
            text.AppendLine(inv, $"| {kind} | {Mean(first, r => r.PerSecond):0.0} | {Mean(last, r => r.PerSecond):0.0} | {Mean(first, r => r.P50):0.0} | {Mean(last, r => r.P50):0.0} | "
                + $"{Mean(first, r => r.P99):0.0} | {Mean(last, r => r.P99):0.0} | {Intervals.Sum(i => pick(i).Errors)} |");
        }

        return text.ToString();
    }

    private static string Percent(double first, double last) =>
        first <= 0 ? "n/a" : ((last - first) / first).ToString("+0%;-0%;0%", CultureInfo.InvariantCulture);
}
