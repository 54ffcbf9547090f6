using System.Diagnostics;
using System.Text.Json.Nodes;
using Exchange.Load;
using Exchange.Testing;

namespace Exchange.System.Tests.Load;

/// <summary>The load tool keeps working against the exchange as the launcher runs it (a short, bounded run).</summary>
public sealed class LoadToolTests
{
    [Fact]
    public async Task A_short_run_of_the_load_tool_reports_the_four_baselines_and_their_ratios_as_json()
    {
        await using var exchange = await LocalLauncher.StartAsync("--partner-rate", "10000");

        var (exitCode, stdout, stderr) = await RunLoadToolAsync(
            "--manifest", exchange.ManifestPath, "--workers", "2", "--seconds", "3", "--people", "3", "--output", "json");

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
    public void The_load_tool_refuses_runs_that_are_not_bounded()
    {
        var problems = new LoadOptions("missing.json", Workers: 1000, TimeSpan.FromHours(1), People: 0).Validate().ToList();

        Assert.Equal(4, problems.Count);
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
