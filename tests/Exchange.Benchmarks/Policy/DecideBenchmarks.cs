using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.Policy.Engine;
using Perfolizer.Mathematics.OutlierDetection;

namespace Exchange.Benchmarks.Policy;

/// <summary>
/// <c>PolicyEngine.Decide</c> in process on the default bundle (policies/), for the decisions of the acceptance
/// scenario: one permit, one partial permit, one denial, a hard denial and a break-glass release.
/// Run: <c>dotnet run -c Release --project tests/Exchange.Benchmarks -- --filter '*DecideBenchmarks*'</c>.
/// </summary>
[Config(typeof(DecideConfig))]
public class DecideBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.FromHours(1));
    private PolicyEngine _engine = null!;
    private Scenario _permit = null!;
    private Scenario _partial = null!;
    private Scenario _deny = null!;
    private Scenario _hardDenial = null!;
    private Scenario _breakGlass = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = PolicyEngine.Start(PoliciesDirectory());

        // Step 4: the police push the incident to Veilig Thuis.
        _permit = new(
            Request("politie-zwb", "vt-mwb", Purpose.SafetyAssessment, "bpg-4-3", DisclosureKind.Push, DataCategory.Incident, DataCategory.Measure, DataCategory.Criminal),
            new(Domain.Police, Domain.VeiligThuis, true, false, ViolenceType.Unspecified, false));

        // Step 5: the safety assessment reaches the social team in part.
        _partial = new(
            Request("vt-mwb", "swt-tilburg", Purpose.RecoveryPlanning, "wmo-5-2-6", DisclosureKind.Push, DataCategory.Safety, DataCategory.Strengths, DataCategory.Incident, DataCategory.ChildVoice),
            new(Domain.VeiligThuis, Domain.SocialTeam, true, false, ViolenceType.IntimateTerror, false));

        // Step 7: the social team asks the police for the narrative for recovery planning.
        _deny = new(
            Request("politie-zwb", "swt-tilburg", Purpose.RecoveryPlanning, "wth", DisclosureKind.Pull, DataCategory.Incident),
            new(Domain.Police, Domain.SocialTeam, true, false, ViolenceType.IntimateTerror, false));

        // Step 8: the shelter address is removed for the Raad.
        _hardDenial = new(
            Request("vt-mwb", "rvdk-zuidwest", Purpose.ChildProtectionInvestigation, "bw-1-240", DisclosureKind.Push, DataCategory.Safety, DataCategory.ConfidentialLocation),
            new(Domain.VeiligThuis, Domain.ChildProtection, true, false, ViolenceType.IntimateTerror, false));

        // Step 9: break-glass at 02:00.
        var breakGlass = Request("vt-mwb", "politie-zwb", Purpose.AcuteSafety, "wmo-5-2-6", DisclosureKind.Pull, DataCategory.Safety);
        breakGlass.BreakGlass = new BreakGlass { Justification = "Restraining order broken at 02:00." };
        _breakGlass = new(breakGlass, new(Domain.VeiligThuis, Domain.Police, false, false, ViolenceType.IntimateTerror, false));

        // A benchmark of a decision that silently changed would measure the wrong thing.
        Expect(_permit, Decision.Permit);
        Expect(_partial, Decision.PartialPermit);
        Expect(_deny, Decision.Deny);
        Expect(_hardDenial, Decision.PartialPermit);
        Expect(_breakGlass, Decision.Permit);
    }

    [Benchmark(Baseline = true, Description = "permit (step 4)")]
    public PolicyDecision Permit() => Decide(_permit);

    [Benchmark(Description = "partial permit (step 5)")]
    public PolicyDecision PartialPermit() => Decide(_partial);

    [Benchmark(Description = "deny, purpose not covered (step 7)")]
    public PolicyDecision Deny() => Decide(_deny);

    [Benchmark(Description = "hard denial (step 8)")]
    public PolicyDecision HardDenial() => Decide(_hardDenial);

    [Benchmark(Description = "break-glass (step 9)")]
    public PolicyDecision BreakGlass() => Decide(_breakGlass);

    [Benchmark(Description = "partial permit + fill DecideResponse")]
    public DecideResponse PartialPermitToResponse()
    {
        var response = new DecideResponse();
        Decide(_partial).CopyTo(response);
        return response;
    }

    internal static string PoliciesDirectory()
    {
        if (Environment.GetEnvironmentVariable("EXCHANGE_POLICY_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        // BenchmarkDotNet runs a generated copy of this project below the repository; walk up to find it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Exchange.sln")))
            {
                return Path.Combine(dir.FullName, "policies");
            }
        }

        throw new InvalidOperationException("policies/ not found; set EXCHANGE_POLICY_DIR");
    }

    private static DecideRequest Request(string holder, string recipient, Purpose purpose, string basis, DisclosureKind kind, params DataCategory[] categories) => new()
    {
        HolderOrganisationId = holder,
        Recipient = new Actor { OrganisationId = recipient, Role = "casemanager", ProfessionalId = "p-42" },
        Subjects = { new SubjectRef { Pseudonym = "x-nora" } },
        Purpose = purpose,
        LegalBasis = new LegalBasisRef { Id = basis },
        Categories = { categories },
        Kind = kind,
    };

    private PolicyDecision Decide(Scenario scenario) => _engine.Decide(scenario.Request, scenario.Facts, Now);

    private void Expect(Scenario scenario, Decision expected)
    {
        if (Decide(scenario).Decision != expected)
        {
            throw new InvalidOperationException($"the default bundle no longer decides {scenario.Request} as {expected}");
        }
    }

    private sealed record Scenario(DecideRequest Request, DecisionFacts Facts);

    /// <summary>
    /// One launch, 30 measured iterations of many calls each, all kept (no outlier removal, so the tail shows);
    /// percentile columns are over iteration means. Allocated bytes per call from the memory diagnoser.
    /// </summary>
    private sealed class DecideConfig : ManualConfig
    {
        public DecideConfig()
        {
            AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(6)
                .WithIterationCount(30)
                .WithOutlierMode(OutlierMode.DontRemove)
                .WithStrategy(RunStrategy.Throughput)
                .WithId("Decide"));
            AddDiagnoser(MemoryDiagnoser.Default);
            AddColumn(StatisticColumn.Median, StatisticColumn.P50, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
        }
    }
}
