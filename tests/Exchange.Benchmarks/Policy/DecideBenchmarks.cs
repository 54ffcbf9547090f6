using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Exchange.Contracts.Policy.V1;
using Exchange.Policy.Engine;

namespace Exchange.Benchmarks.Policy;

/// <summary>
/// <c>PolicyEngine.Decide</c> in process on the default bundle, for the decisions of the acceptance scenario.
/// Run: <c>cd tests/Exchange.Benchmarks &amp;&amp; dotnet run -c Release -- --filter '*DecideBenchmarks*'</c>.
/// </summary>
[Config(typeof(DecideConfig))]
public class DecideBenchmarks
{
    private PolicyScenarios _scenarios = null!;

    [GlobalSetup]
    public void Setup() => _scenarios = PolicyScenarios.Load();

    [Benchmark(Baseline = true, Description = "permit (step 4)")]
    public PolicyDecision Permit() => _scenarios.Decide(_scenarios.Permit);

    [Benchmark(Description = "partial permit (step 5)")]
    public PolicyDecision PartialPermit() => _scenarios.Decide(_scenarios.PartialPermit);

    [Benchmark(Description = "deny, purpose not covered (step 7)")]
    public PolicyDecision Deny() => _scenarios.Decide(_scenarios.Deny);

    [Benchmark(Description = "hard denial (step 8)")]
    public PolicyDecision HardDenial() => _scenarios.Decide(_scenarios.HardDenial);

    [Benchmark(Description = "break-glass (step 9)")]
    public PolicyDecision BreakGlass() => _scenarios.Decide(_scenarios.BreakGlass);

    [Benchmark(Description = "partial permit + fill DecideResponse")]
    public DecideResponse PartialPermitToResponse()
    {
        var response = new DecideResponse();
        _scenarios.Decide(_scenarios.PartialPermit).CopyTo(response);
        return response;
    }

    /// <summary>
    /// 30 measured iterations of many calls each; percentile columns are over iteration means.
    /// Allocated bytes per call from the memory diagnoser.
    /// </summary>
    private sealed class DecideConfig : ManualConfig
    {
        public DecideConfig()
        {
            this.With(PolicyBenchmarkConfig.Job("Decide").WithWarmupCount(6).WithIterationCount(30));
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }
}
