using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Rules;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Rules;

public sealed class ConditionTests
{
    private static readonly AgreementDefinition Covenant = new(
        "covenant",
        "Covenant",
        [new Reference("police", SourceLocation.OfFile("t")), new Reference("vt", SourceLocation.OfFile("t"))],
        new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
        [],
        SourceLocation.OfFile("t"));

    [Fact]
    public void Involvement_is_met_only_when_the_host_found_one()
    {
        Assert.True(ActiveInvolvementCondition.Instance.IsMet(Context(Requests.PoliceToVt(involved: true))));
        Assert.False(ActiveInvolvementCondition.Instance.IsMet(Context(Requests.PoliceToVt(involved: false))));
    }

    [Fact]
    public void Case_conference_membership_is_met_only_for_a_member()
    {
        Assert.True(CaseConferenceCondition.Instance.IsMet(Context(Requests.Facts(Domain.Police, Domain.VeiligThuis, caseConference: true))));
        Assert.False(CaseConferenceCondition.Instance.IsMet(Context(Requests.PoliceToVt(involved: true))));
    }

    [Theory]
    [InlineData("police", "vt", "2026-06-01T00:00:00Z", true)]
    [InlineData("vt", "police", "2025-01-01T00:00:00Z", true)]
    [InlineData("police", "vt", "2024-12-31T23:59:59Z", false)]
    [InlineData("police", "vt", "2027-01-01T00:00:00Z", false)]
    [InlineData("police", "social", "2026-06-01T00:00:00Z", false)]
    [InlineData("social", "vt", "2026-06-01T00:00:00Z", false)]
    public void An_agreement_is_in_force_between_two_signatories_from_its_start_until_its_end(string holder, string recipient, string at, bool met)
    {
        var condition = new AgreementInForceCondition(Covenant);
        var request = Requests.Decide(holder, recipient, Purpose.CaseConference, "basis-a", DataCategory.Incident);

        Assert.Equal(met, condition.IsMet(new ConditionContext(request, Requests.PoliceToVt(), DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Theory]
    [InlineData(ViolenceType.Situational, true)]
    [InlineData(ViolenceType.Unclear, true)]
    [InlineData(ViolenceType.IntimateTerror, false)]
    [InlineData(ViolenceType.Unspecified, false)]
    public void A_violence_type_condition_is_met_for_the_listed_indications_only(ViolenceType indication, bool met)
    {
        var condition = new ViolenceTypeCondition([ViolenceType.Situational, ViolenceType.Unclear]);

        Assert.Equal(met, condition.IsMet(Context(Requests.Facts(Domain.VeiligThuis, Domain.SocialTeam, violence: indication))));
    }

    [Theory]
    [InlineData(false, false, false, false)]
    [InlineData(true, false, false, true)]
    [InlineData(false, true, false, true)]
    [InlineData(false, true, true, false)]
    [InlineData(true, true, true, true)]
    [InlineData(false, false, true, false)]
    public void The_other_parents_side_is_declared_or_follows_from_involvements_with_the_alleged_perpetrator_and_not_the_victim(
        bool declared, bool withPerpetrator, bool withVictim, bool met)
    {
        var facts = Requests.Facts(Domain.VeiligThuis, Domain.SocialTeam, otherParent: declared, withPerpetrator: withPerpetrator, withVictim: withVictim);

        Assert.Equal(met, ActingForOtherParentCondition.Instance.IsMet(Context(facts)));
    }

    [Fact]
    public void A_joint_session_is_read_from_the_request()
    {
        var request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Safety);
        Assert.False(JointSessionCondition.Instance.IsMet(new ConditionContext(request, Requests.PoliceToVt(), Requests.Now)));

        request.JointSession = true;
        Assert.True(JointSessionCondition.Instance.IsMet(new ConditionContext(request, Requests.PoliceToVt(), Requests.Now)));
    }

    [Theory]
    [InlineData("wijkagent", true)]
    [InlineData("Wijkagent", true)]
    [InlineData("rechercheur", false)]
    [InlineData("", false)]
    public void A_role_condition_compares_roles_without_regard_to_case(string role, bool met)
    {
        var request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Safety);
        request.Recipient.Role = role;

        Assert.Equal(met, new RecipientRoleCondition(["wijkagent"]).IsMet(new ConditionContext(request, Requests.PoliceToVt(), Requests.Now)));
    }

    [Theory]
    [InlineData(DisclosureKind.Push, true)]
    [InlineData(DisclosureKind.Lookup, true)]
    [InlineData(DisclosureKind.Pull, false)]
    public void A_kind_condition_is_met_for_the_listed_kinds_only(DisclosureKind kind, bool met)
    {
        var request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Safety);
        request.Kind = kind;

        Assert.Equal(met, new DisclosureKindCondition([DisclosureKind.Push, DisclosureKind.Lookup]).IsMet(new ConditionContext(request, Requests.PoliceToVt(), Requests.Now)));
    }

    [Fact]
    public void Each_condition_has_a_stable_id_and_reason_code_and_only_relationships_yield_to_break_glass()
    {
        IPolicyCondition[] conditions =
        [
            ActiveInvolvementCondition.Instance, CaseConferenceCondition.Instance, new AgreementInForceCondition(Covenant),
            new ViolenceTypeCondition([ViolenceType.Situational]), ActingForOtherParentCondition.Instance, JointSessionCondition.Instance,
            new RecipientRoleCondition(["wijkagent"]), new DisclosureKindCondition([DisclosureKind.Push]),
        ];

        Assert.Equal(
            ["involved", "case_conference", "agreement", "violence_type", "acting_for_other_parent", "joint_session", "recipient_roles", "kinds"],
            conditions.Select(c => c.Id));
        Assert.Equal(
            [PolicyReasonCodes.NoActiveInvolvement, PolicyReasonCodes.NotInCaseConference, PolicyReasonCodes.AgreementNotInForce, PolicyReasonCodes.ViolenceTypeNotCovered,
             PolicyReasonCodes.NotActingForOtherParent, PolicyReasonCodes.NotAJointSession, PolicyReasonCodes.RecipientRoleNotPermitted, PolicyReasonCodes.DisclosureKindNotCovered],
            conditions.Select(c => c.ReasonCode));
        Assert.Equal(["involved", "case_conference"], conditions.Where(c => c.BreakGlassMayStandIn).Select(c => c.Id));
        Assert.Equal(["violence_type", "acting_for_other_parent"], conditions.Where(c => c.RestsOnSubjectData).Select(c => c.Id));
    }

    private static ConditionContext Context(DecisionFacts facts) =>
        new(Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Safety), facts, Requests.Now);
}
