using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Explanation;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Explanation;

public sealed class ExplainerTests
{
    private static readonly PolicyEngine Engine = PolicyEngine.Start(TestBundle.Source(
        TestBundle.PoliceToVtRule,
        """
        rules:
          - id: police-to-vt-acute
            holder: [POLICE]
            recipient: [VEILIG_THUIS]
            purposes: [ACUTE_SAFETY]
            legal_basis: basis-a
            categories: [MEASURE]
          - id: police-measure-involved
            holder: [POLICE]
            recipient: [VEILIG_THUIS]
            purposes: [SAFETY_ASSESSMENT]
            legal_basis: basis-a
            categories: [MEASURE]
            when: {involved: true}
        hard_denials:
          - id: no-location
            description: a secret address stays secret
            categories: [CONFIDENTIAL_LOCATION]
        """));

    private static readonly DecideRequest Request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident, DataCategory.Measure, DataCategory.ConfidentialLocation, DataCategory.Health);

    [Fact]
    public void An_explanation_reaches_the_same_decision_as_decide()
    {
        var explanation = Engine.Explain(Request, Requests.PoliceToVt(), Requests.Now);
        var decision = Engine.Decide(Request, Requests.PoliceToVt(), Requests.Now);

        Assert.Equal(decision.Decision, explanation.Decision.Decision);
        Assert.Equal(decision.Released, explanation.Decision.Released);
        Assert.Equal(decision.Denials, explanation.Decision.Denials);
        Assert.Equal(decision.RuleIds, explanation.Decision.RuleIds);
    }

    [Fact]
    public void Each_rule_and_hard_denial_is_a_step_with_its_outcome()
    {
        var steps = Engine.Explain(Request, Requests.PoliceToVt(), Requests.Now).Steps;

        Assert.Contains(steps, s => s is { RuleId: "no-location", Outcome: ExplanationOutcomes.Denies } && s.Categories.SequenceEqual([DataCategory.ConfidentialLocation]));
        Assert.Contains(steps, s => s is { RuleId: "police-to-vt", Outcome: ExplanationOutcomes.Permits } && s.Categories.SequenceEqual([DataCategory.Incident]));
        Assert.Contains(steps, s => s is { RuleId: "police-measure-involved", Outcome: ExplanationOutcomes.ConditionNotMet, Reason: "NO_ACTIVE_INVOLVEMENT: it requires that the recipient has an active involvement with a subject" });
        Assert.Contains(steps, s => s is { RuleId: "police-to-vt-acute", Outcome: ExplanationOutcomes.NotApplicable, Reason: "it covers ACUTE_SAFETY, not SAFETY_ASSESSMENT" });
        Assert.Contains(steps, s => s is { RuleId: "", Outcome: ExplanationOutcomes.Denies } && s.Categories.SequenceEqual([DataCategory.Health]));
    }

    [Fact]
    public void The_text_tells_the_decision_and_why_each_category_was_denied()
    {
        var text = Engine.Explain(Request, Requests.PoliceToVt(), Requests.Now).Text;

        Assert.Contains($"sha256 {Engine.ActiveBundle.Hash}", text, StringComparison.Ordinal);
        Assert.Contains("Decision: PARTIAL_PERMIT.", text, StringComparison.Ordinal);
        Assert.Contains("Released: INCIDENT.", text, StringComparison.Ordinal);
        Assert.Contains("Denied: MEASURE, NO_ACTIVE_INVOLVEMENT:", text, StringComparison.Ordinal);
        Assert.Contains("Denied: CONFIDENTIAL_LOCATION, HARD_DENIAL: hard denial 'no-location': a secret address stays secret.", text, StringComparison.Ordinal);
        Assert.Contains("Denied: HEALTH, NO_PERMITTING_RULE:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_break_glass_release_is_explained_as_such()
    {
        var engine = PolicyEngine.Start(TestBundle.Source(TestBundle.Rules(TestBundle.Rule("acute", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "POLICE", purposes: "ACUTE_SAFETY", more: "when: {involved: true}, break_glass: true"))));
        var request = Requests.Decide("vt", "police", Purpose.AcuteSafety, "basis-a", DataCategory.Safety);
        request.BreakGlass = new BreakGlass { Justification = "Acute." };

        var explanation = engine.Explain(request, Requests.Facts(Domain.VeiligThuis, Domain.Police), Requests.Now);

        var step = Assert.Single(explanation.Steps);
        Assert.Equal(ExplanationOutcomes.Permits, step.Outcome);
        Assert.Contains("by break-glass standing in for: the recipient has an active involvement with a subject", step.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explanation_fills_the_explain_response()
    {
        var explanation = Engine.Explain(Request, Requests.PoliceToVt(), Requests.Now);
        var response = new ExplainResponse();

        explanation.CopyTo(response);

        Assert.Equal(Decision.PartialPermit, response.Decision);
        Assert.Equal(explanation.Steps.Count, response.Steps.Count);
        Assert.Equal(explanation.Text, response.Text);
        Assert.Equal(Engine.ActiveBundle.Hash, response.BundleHash);
        Assert.Equal(3, response.Denied.Count);
        Assert.Equal("basis-a", response.LegalBasis.Id);
    }

    [Fact]
    public void A_request_without_a_basis_is_explained_under_the_basis_the_policy_would_choose()
    {
        var request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident);
        request.LegalBasis = null;

        var explanation = Engine.Explain(request, Requests.PoliceToVt(), Requests.Now);

        Assert.Equal("basis-a", explanation.Decision.LegalBasis!.Id);
        Assert.Contains("under legal basis 'basis-a' (chosen: the request cited none)", explanation.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_request_is_refused_by_explain_too()
    {
        var request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident);
        request.LegalBasis.Id = "unknown";

        Assert.Equal("legal_basis.id", Assert.Throws<PolicyInputException>(() => Engine.Explain(request, Requests.PoliceToVt(), Requests.Now)).Field);
    }
}
