using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Evaluation;

/// <summary>What a requester is told of a denial: enough to act on, nothing about the subjects' data.</summary>
public sealed class RecipientDenialsTests
{
    private static readonly Engine.Compilation.CompiledBundle Bundle = TestBundle.Compile(
        TestBundle.Rules(
            TestBundle.Rule("situational-only", categories: "INCIDENT", holder: "VEILIG_THUIS", recipient: "SOCIAL_TEAM", purposes: "RECOVERY_PLANNING", more: "when: {violence_type: [SITUATIONAL]}"),
            TestBundle.Rule("covenant-only", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "SOCIAL_TEAM", purposes: "RECOVERY_PLANNING", more: "when: {agreement: covenant}")),
        """
        hard_denials:
          - id: other-parent
            categories: ALL
            when: {violence_type: [INTIMATE_TERROR], acting_for_other_parent: true}
            reason_code: INTIMATE_TERROR_OTHER_PARENT
        """);

    [Fact]
    public void A_reason_resting_on_the_violence_type_is_told_without_rule_or_explanation_of_it()
    {
        var decision = Decide(Requests.Facts(Domain.VeiligThuis, Domain.SocialTeam, violence: ViolenceType.IntimateTerror), "social", DataCategory.Incident);
        var response = new DecideResponse();
        decision.CopyTo(response);

        Assert.Equal(PolicyReasonCodes.ViolenceTypeNotCovered, Assert.Single(response.Denied).ReasonCode);
        var told = Assert.Single(response.RecipientDenied);
        Assert.Equal(PolicyReasonCodes.NotReleasedInThisCase, told.ReasonCode);
        Assert.Empty(told.RuleId);
        Assert.DoesNotContain("SITUATIONAL", told.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("INTIMATE", told.Explanation, StringComparison.Ordinal);
        Assert.Equal(PolicyReasonCodes.NotReleasedInThisCase, response.RecipientReasonCode);
    }

    [Fact]
    public void The_other_parents_side_is_not_told_either()
    {
        var facts = Requests.Facts(Domain.VeiligThuis, Domain.SocialTeam, violence: ViolenceType.IntimateTerror, withPerpetrator: true);
        var decision = Decide(facts, "social", DataCategory.Safety);

        Assert.Equal(PolicyReasonCodes.IntimateTerrorOtherParent, decision.ReasonCode);
        Assert.Equal(PolicyReasonCodes.NotReleasedInThisCase, decision.RecipientReasonCode);
        Assert.All(decision.Denials, d => Assert.Equal(PolicyReasonCodes.NotReleasedInThisCase, d.ForRecipient.ReasonCode));
    }

    [Fact]
    public void An_agreement_not_in_force_is_told_with_the_agreement_and_the_rule()
    {
        var decision = Decide(Requests.Facts(Domain.VeiligThuis, Domain.SocialTeam), "outsider", DataCategory.Safety);
        var response = new DecideResponse();
        decision.CopyTo(response);

        var told = Assert.Single(response.RecipientDenied);
        Assert.Equal(PolicyReasonCodes.AgreementNotInForce, told.ReasonCode);
        Assert.Equal("covenant", told.AgreementId);
        Assert.Equal("covenant-only", told.RuleId);
        Assert.Contains("2027-01-01", told.Explanation, StringComparison.Ordinal);
    }

    private static PolicyDecision Decide(DecisionFacts facts, string recipient, params DataCategory[] categories) =>
        PolicyEvaluatorAccess.Decide(Bundle, Requests.Decide("vt", recipient, Purpose.RecoveryPlanning, "basis-a", categories), facts, Requests.Now);
}
