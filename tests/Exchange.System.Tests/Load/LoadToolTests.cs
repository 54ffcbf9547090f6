using Exchange.Load;
using Exchange.System.Tests.Support;
using Grpc.Core;

namespace Exchange.System.Tests.Load;

/// <summary>The load tool keeps working against the exchange as the launcher runs it (a short, bounded run).</summary>
public sealed class LoadToolTests
{
    [Fact]
    public async Task A_short_load_run_completes_every_disclosure_and_reports_latencies()
    {
        await using var exchange = await LocalLauncher.StartAsync("--partner-rate", "10000");
        var output = new StringWriter();

        var result = await new PullDisclosureLoad(new LoadOptions(exchange.ManifestPath, Workers: 4, TimeSpan.FromSeconds(3), People: 5), output)
            .RunAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Calls > 0, output.ToString());
        Assert.Equal([StatusCode.OK], result.Outcomes.Keys);
        Assert.InRange(result.P50, 0.01, result.P99);
    }

    [Fact]
    public void The_load_tool_refuses_runs_that_are_not_bounded()
    {
        var problems = new LoadOptions("missing.json", Workers: 1000, TimeSpan.FromHours(1), People: 0).Validate().ToList();

        Assert.Equal(4, problems.Count);
    }
}
