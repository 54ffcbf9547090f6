using System.Diagnostics;
using System.Text.Json.Nodes;
using Exchange.Load;
using Exchange.Testing;

namespace Exchange.System.Tests.Load;

/// <summary>The load tool keeps working against the exchange as the launcher runs it (short, bounded runs, one launcher for the class).</summary>
public sealed class LoadToolTests(LoadToolTests.LauncherFixture exchange) : IClassFixture<LoadToolTests.LauncherFixture>
{
    [Fact]
    public async Task A_short_run_of_the_load_tool_reports_the_four_baselines_and_their_ratios_as_json()
    {
        var (exitCode, stdout, stderr) = await RunLoadToolAsync(
            "--manifest", exchange.Launcher.ManifestPath, "--workers", "2", "--seconds", "3", "--people", "3", "--output", "json");

        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{stdout}{Environment.NewLine}{stderr}");
        var report = JsonNode.Parse(stdout)!.AsObject();
        var measurements = report["measurements"]!.AsObject();
        Assert.Equal(["a", "b", "c", "d"], measurements.Select(m => m.Key).Order());
        Assert.All(measurements, m =>
        {
            Assert.True(m.Value!["calls"]!.GetValue<int>() > 0, $"{m.Key} made no successful call: {m.Value}");
            Assert.Equal(0, m.Value["errors"]!.GetValue<int>());
            Assert.InRange(m.Value["p50_ms"]!.GetValue<double>(), 0.001, m.Value["max_ms"]!.GetValue<double>());
        });
        foreach (var ratio in new[] { "b_over_a_ratio", "c_over_b_ratio", "c_over_a_ratio", "d_over_c_ratio" })
        {
            Assert.True(report[ratio]!.GetValue<double>() > 0, $"{ratio} is missing or zero: {stdout}");
        }

        Assert.True(report["machine"]!["cores"]!.GetValue<int>() > 0);
        Assert.NotEmpty(report["commit"]!.GetValue<string>());
        Assert.NotEmpty(report["date"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_short_soak_samples_every_process_of_the_launcher_in_each_interval_and_summarises_their_growth()
    {
        var (exitCode, stdout, stderr) = await RunLoadToolAsync(
            "soak", "--manifest", exchange.Launcher.ManifestPath, "--seconds", "4", "--interval", "2", "--workers", "2", "--people", "3");

        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{stdout}{Environment.NewLine}{stderr}");
        string[] processes = [.. exchange.Launcher.Manifest.Processes.Keys, "launcher"];
        var parts = stdout.Split("summary:", 2);
        Assert.True(parts.Length == 2, $"no summary: {stdout}");
        var intervals = parts[0].Split("interval ", StringSplitOptions.RemoveEmptyEntries).Where(p => p.Contains("| process |", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, intervals.Count);
        Assert.All(intervals, interval =>
        {
            Assert.Matches(@"pulls \d+\.\d/s p50 \d+\.\d ms p99 \d+\.\d ms errors 0; publishes \d+\.\d/s p50 \d+\.\d ms p99 \d+\.\d ms errors 0", interval);
            Assert.All(processes, name => Assert.Matches($@"\| {name} \| \d+ \| \d+\.\d \| \d+ \| \d+ \| \d+ \|", interval));
        });
        Assert.All(processes, name => Assert.Matches($@"\| {name} \| \d+\.\d \| \d+\.\d \| [-+]?\d+\.\d MB \(", parts[1]));
        Assert.Matches(@"\| pulls \| \d+\.\d \| \d+\.\d \|", parts[1]);
        Assert.Matches(@"\| publishes \(3 inboxes\) \| \d+\.\d \| \d+\.\d \|", parts[1]);
        Assert.Contains("load average before", parts[1], StringComparison.Ordinal);
    }

    [Fact]
    public void The_load_tool_refuses_runs_that_are_not_bounded()
    {
        var problems = new LoadOptions("missing.json", Workers: 1000, TimeSpan.FromHours(1), People: 0).Validate().ToList();

        Assert.Equal(4, problems.Count);
    }

    /// <summary>One launcher for the class's runs, with a partner rate that load does not hit.</summary>
    public sealed class LauncherFixture : IAsyncLifetime
    {
        public LocalLauncher Launcher { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Launcher = await LocalLauncher.StartAsync("--partner-rate", "10000");

        public async ValueTask DisposeAsync() => await Launcher.DisposeAsync();
    }

    /// <summary>The built load tool, run as a user runs it.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunLoadToolAsync(params string[] arguments)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var tool = Repository.Path("tools", "Exchange.Load", "bin", configuration, "net10.0", "exchange-load.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repository.Root };
        start.ArgumentList.Add(tool);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
