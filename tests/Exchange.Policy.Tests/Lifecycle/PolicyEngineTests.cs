using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Lifecycle;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Lifecycle;

public sealed class PolicyEngineTests
{
    private const string PassingCase = """
        tests:
          - name: police report reaches Veilig Thuis
            request: {holder: police, recipient: vt, purpose: SAFETY_ASSESSMENT, legal_basis: basis-a, categories: [INCIDENT], kind: PUSH}
            expect: {decision: PERMIT, rules: [police-to-vt]}
        """;

    private const string FailingCase = """
        tests:
          - name: the social team gets the incident
            request: {holder: police, recipient: social, purpose: SAFETY_ASSESSMENT, legal_basis: basis-a, categories: [INCIDENT], kind: PUSH}
            expect: {decision: PERMIT}
        """;

    [Fact]
    public void The_engine_starts_on_a_bundle_whose_test_cases_pass()
    {
        var engine = PolicyEngine.Start(TestBundle.Source(TestBundle.PoliceToVtRule, PassingCase));

        Assert.Equal("test-bundle", engine.ActiveBundle.Id);
    }

    [Fact]
    public void A_bundle_that_does_not_load_stops_the_start_with_file_line_and_problem()
    {
        var error = Assert.Throws<BundleRejectedException>(() => PolicyEngine.Start(TestBundle.Source("rules:\n  - {id: r, holder: [POLICE], recipient: [VEILIG_THUIS], purposes: [SAFETY_ASSESSMENT], legal_basis: nope, categories: [INCIDENT]}\n")));

        var only = Assert.Single(error.Errors);
        Assert.Equal(("part-0.yaml", 2), (only.Location.File, only.Location.Line));
        Assert.Contains("part-0.yaml:2:", error.Message, StringComparison.Ordinal);
        Assert.Contains("names legal basis 'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundle_whose_own_test_case_fails_stops_the_start()
    {
        var error = Assert.Throws<BundleRejectedException>(() => PolicyEngine.Start(TestBundle.Source(TestBundle.PoliceToVtRule, FailingCase)));

        var only = Assert.Single(error.Errors);
        Assert.Equal(new SourceLocation("part-1.yaml", 2, 5), only.Location);
        Assert.StartsWith("test case 'the social team gets the incident' failed: decision: expected [PERMIT], got [DENY]", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_directory_stops_the_start()
    {
        var error = Assert.Throws<BundleRejectedException>(() => PolicyEngine.Start(Path.Combine(Path.GetTempPath(), $"no-bundle-{Guid.NewGuid():N}")));

        Assert.Contains("cannot read the bundle", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_changed_bundle_becomes_active_and_decisions_carry_its_hash()
    {
        var engine = PolicyEngine.Start(TestBundle.Source());
        var request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident);
        Assert.Equal(Decision.Deny, engine.Decide(request, Requests.PoliceToVt(), Requests.Now).Decision);

        var activation = engine.TryActivate(TestBundle.Source(TestBundle.PoliceToVtRule, PassingCase));

        Assert.Equal(BundleActivationOutcome.Activated, activation.Outcome);
        var decision = engine.Decide(request, Requests.PoliceToVt(), Requests.Now);
        Assert.Equal(Decision.Permit, decision.Decision);
        Assert.Equal(activation.BundleHash, decision.BundleHash);
    }

    public static TheoryData<string, string, string> MalformedBundles() => new()
    {
        { "bad YAML", "rules: [\n", "invalid YAML" },
        { "unknown category", "rules:\n  - {id: r, holder: [POLICE], recipient: [VEILIG_THUIS], purposes: [SAFETY_ASSESSMENT], legal_basis: basis-a, categories: [GOSSIP]}\n", "unknown DataCategory 'GOSSIP'" },
        { "missing legal basis", "rules:\n  - {id: r, holder: [POLICE], recipient: [VEILIG_THUIS], purposes: [SAFETY_ASSESSMENT], legal_basis: wpg-99, categories: [INCIDENT]}\n", "names legal basis 'wpg-99'" },
        { "duplicate ids", TestBundle.PoliceToVtRule.Replace("police-to-vt", "basis-a", StringComparison.Ordinal) + "\nhard_denials:\n  - {id: basis-a, categories: [HEALTH]}\n", "duplicate rule or hard denial id 'basis-a'" },
        { "failing own test case", FailingCase, "test case 'the social team gets the incident' failed" },
    };

    [Theory]
    [MemberData(nameof(MalformedBundles))]
    public void A_malformed_bundle_stops_the_start_saying_why(string defect, string file, string message)
    {
        var error = Assert.Throws<BundleRejectedException>(() => PolicyEngine.Start(TestBundle.Source(TestBundle.PoliceToVtRule, file)));

        Assert.True(error.Errors.Any(e => e.Message.Contains(message, StringComparison.Ordinal) && e.Location.File == "part-1.yaml"), $"{defect}: {error.Message}");
    }

    [Theory]
    [MemberData(nameof(MalformedBundles))]
    public void A_malformed_bundle_is_rejected_on_reload_and_the_previous_one_stays_active(string defect, string file, string message)
    {
        var engine = PolicyEngine.Start(TestBundle.Source(TestBundle.PoliceToVtRule, PassingCase));
        var previous = engine.ActiveBundle;

        var activation = engine.TryActivate(TestBundle.Source(TestBundle.PoliceToVtRule, file));

        Assert.Equal(BundleActivationOutcome.Rejected, activation.Outcome);
        Assert.Contains(activation.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Same(previous, engine.ActiveBundle);
        Assert.True(previous.Hash == activation.ActiveHash, defect);
    }

    [Fact]
    public void The_same_bundle_again_is_reported_unchanged()
    {
        var engine = PolicyEngine.Start(TestBundle.Source(TestBundle.PoliceToVtRule));
        var active = engine.ActiveBundle;

        var activation = engine.TryActivate(TestBundle.Source(TestBundle.PoliceToVtRule));

        Assert.Equal(BundleActivationOutcome.Unchanged, activation.Outcome);
        Assert.Same(active, engine.ActiveBundle);
    }
}
