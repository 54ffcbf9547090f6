using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Exchange.Policy.Engine;

namespace Exchange.Benchmarks.Policy;

/// <summary>
/// The tail of single decisions: each iteration is one call to <c>Decide</c>, timed on its own, so percentiles
/// are over calls, not over iteration means. The harness's forced collection between iterations is switched off,
/// so that garbage collections fall on calls as they would in the service; the harness still runs between two
/// calls and the timer's cost is included, so this is an upper bound of a call's latency.
/// Run: <c>dotnet run -c Release -- --filter '*DecideLatencyBenchmarks*'</c>.
/// </summary>
[Config(typeof(LatencyConfig))]
public class DecideLatencyBenchmarks
{
    private PolicyScenarios _scenarios = null!;

    [GlobalSetup]
    public void Setup() => _scenarios = PolicyScenarios.Load();

    [Benchmark(Description = "one partial permit (step 5), timed per call")]
    public PolicyDecision PartialPermit() => _scenarios.Decide(_scenarios.PartialPermit);

    private sealed class LatencyConfig : ManualConfig
    {
        public LatencyConfig()
        {
            this.With(PolicyBenchmarkConfig.Job("PerCall").WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(2000).WithIterationCount(20000).WithGcForce(false));
        }
    }
}
