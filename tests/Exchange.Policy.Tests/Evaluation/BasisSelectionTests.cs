using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Evaluation;

public sealed class BasisSelectionTests
{
    private static readonly Engine.Compilation.CompiledBundle Bundle = TestBundle.Compile(TestBundle.Rules(
        TestBundle.Rule("wide", categories: "INCIDENT", holder: "VEILIG_THUIS", recipient: "SOCIAL_TEAM", basis: "basis-a", more: "when: {involved: true}"),
        TestBundle.Rule("narrow", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "SOCIAL_TEAM", basis: "basis-b"),
        TestBundle.Rule("narrow-involved", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "SOCIAL_TEAM", basis: "basis-a", more: "when: {case_conference: true}")));

    private static readonly DecisionFacts VtToTeam = Requests.Facts(Domain.VeiligThuis, Domain.SocialTeam);

    [Fact]
    public void Without_a_cited_basis_the_decision_is_made_under_the_basis_that_releases_most_and_names_it()
    {
        var decision = Decide(DataCategory.Safety);

        Assert.Equal(Decision.Permit, decision.Decision);
        Assert.Equal("basis-b", decision.LegalBasis!.Id);
        Assert.True(decision.LegalBasisChosen);
        var response = new DecideResponse();
        decision.CopyTo(response);
        Assert.Equal("basis-b", response.LegalBasis.Id);
        Assert.True(response.LegalBasisChosen);
    }

    [Fact]
    public void A_cited_basis_is_kept_and_not_marked_as_chosen()
    {
        var decision = PolicyEvaluatorAccess.Decide(Bundle, Requests.Decide("vt", "social", Purpose.SafetyAssessment, "basis-a", DataCategory.Safety), VtToTeam, Requests.Now);

        Assert.Equal(Decision.Deny, decision.Decision);
        Assert.Equal("basis-a", decision.LegalBasis!.Id);
        Assert.False(decision.LegalBasisChosen);
    }

    [Fact]
    public void Between_denials_the_basis_whose_rules_came_closest_is_kept_so_the_reason_names_what_to_fix()
    {
        var decision = Decide(DataCategory.Incident);

        Assert.Equal(Decision.Deny, decision.Decision);
        Assert.Equal("basis-a", decision.LegalBasis!.Id);
        Assert.Equal(PolicyReasonCodes.NoActiveInvolvement, decision.ReasonCode);
    }

    [Fact]
    public void When_no_rule_names_a_basis_for_the_flow_the_denial_names_none()
    {
        var decision = PolicyEvaluatorAccess.Decide(Bundle, Requests.Decide("police", "vt", Purpose.SafetyAssessment, string.Empty, DataCategory.Safety), Requests.PoliceToVt(), Requests.Now);

        Assert.Equal(Decision.Deny, decision.Decision);
        Assert.Null(decision.LegalBasis);
        Assert.Equal(PolicyReasonCodes.NoPermittingRule, decision.ReasonCode);
    }

    private static PolicyDecision Decide(params DataCategory[] categories) =>
        PolicyEvaluatorAccess.Decide(Bundle, Requests.Decide("vt", "social", Purpose.SafetyAssessment, string.Empty, categories), VtToTeam, Requests.Now);
}
