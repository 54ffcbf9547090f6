using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Testing;

namespace Exchange.Benchmarks.Policy;

/// <summary>A request and the facts its host resolved.</summary>
internal sealed record Scenario(DecideRequest Request, DecisionFacts Facts, Decision Expected);

/// <summary>
/// The default bundle (policies/) and decisions of the acceptance scenario to measure, each checked once against
/// its expected outcome: a benchmark of a decision that silently changed would measure the wrong thing.
/// </summary>
internal sealed class PolicyScenarios
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.FromHours(1));

    private PolicyScenarios(PolicyEngine engine)
    {
        Engine = engine;

        // Step 4: the police push the incident to Veilig Thuis.
        Permit = new(
            Request("politie-zwb", "vt-mwb", Purpose.SafetyAssessment, "bpg-4-3", DisclosureKind.Push, null, DataCategory.Incident, DataCategory.Measure, DataCategory.Criminal),
            Facts(Domain.Police, Domain.VeiligThuis, involved: true),
            Decision.Permit);

        // Step 5: the safety assessment reaches the social team in part.
        PartialPermit = new(
            Request("vt-mwb", "swt-tilburg", Purpose.RecoveryPlanning, "wmo-5-2-6", DisclosureKind.Push, null, DataCategory.Safety, DataCategory.Strengths, DataCategory.Incident, DataCategory.ChildVoice),
            Facts(Domain.VeiligThuis, Domain.SocialTeam, involved: true),
            Decision.PartialPermit);

        // Step 7: the social team asks the police for the narrative for recovery planning.
        Deny = new(
            Request("politie-zwb", "swt-tilburg", Purpose.RecoveryPlanning, "wth", DisclosureKind.Pull, null, DataCategory.Incident),
            Facts(Domain.Police, Domain.SocialTeam, involved: true),
            Decision.Deny);

        // Step 8: the shelter address is removed for the Raad.
        HardDenial = new(
            Request("vt-mwb", "rvdk-zuidwest", Purpose.ChildProtectionInvestigation, "bw-1-240", DisclosureKind.Push, null, DataCategory.Safety, DataCategory.ConfidentialLocation),
            Facts(Domain.VeiligThuis, Domain.ChildProtection, involved: true),
            Decision.PartialPermit);

        // Step 9: break-glass at 02:00 by an officer without an involvement.
        BreakGlass = new(
            Request("vt-mwb", "politie-zwb", Purpose.AcuteSafety, "wmo-5-2-6", DisclosureKind.Pull, "Restraining order broken at 02:00.", DataCategory.Safety),
            Facts(Domain.VeiligThuis, Domain.Police, involved: false),
            Decision.Permit);

        foreach (var scenario in new[] { Permit, PartialPermit, Deny, HardDenial, BreakGlass })
        {
            if (Decide(scenario).Decision != scenario.Expected)
            {
                throw new InvalidOperationException($"the default bundle no longer decides {scenario.Request} as {scenario.Expected}");
            }
        }
    }

    public PolicyEngine Engine { get; }

    public Scenario Permit { get; }

    public Scenario PartialPermit { get; }

    public Scenario Deny { get; }

    public Scenario HardDenial { get; }

    public Scenario BreakGlass { get; }

    public static PolicyScenarios Load() => new(PolicyEngine.Start(PoliciesDirectory()));

    public PolicyDecision Decide(Scenario scenario) => Engine.Decide(scenario.Request, scenario.Facts, Now);

    private static string PoliciesDirectory()
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

    private static DecideRequest Request(string holder, string recipient, Purpose purpose, string basis, DisclosureKind kind, string? breakGlass, params DataCategory[] categories) =>
        BundleTestRunner.RequestOf(new TestRequestDefinition(holder, recipient, "casemanager", purpose, basis, categories, kind, breakGlass, false));

    private static DecisionFacts Facts(Domain holder, Domain recipient, bool involved) =>
        new(holder, recipient, involved, false, ViolenceType.IntimateTerror, false);
}
