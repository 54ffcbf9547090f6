using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Evaluation;

/// <summary>
/// A right the giver weighs is exercised by a person: the policy leaves a request under one to a professional of the
/// holder (HOLDER_DECISION_REQUIRED), releases it once that professional approved, and lets the holder's own push go.
/// </summary>
public sealed class HolderRightsTests
{
    private const string Right = """
        legal_bases:
          - id: right
            law: Right law
            article: art. 9
            summary: The social team may give the police what they need.
            kind: RIGHT
            source: a test
            holder_domains: [SOCIAL_TEAM]
            recipient_domains: [POLICE]
            purposes: [SAFETY_ASSESSMENT]
            categories: [SAFETY, STRENGTHS, INCIDENT]
          - id: task
            law: Task law
            article: art. 10
            summary: The social team's task.
            kind: TASK
            source: a test
            holder_domains: [SOCIAL_TEAM]
            recipient_domains: [POLICE]
            purposes: [SAFETY_ASSESSMENT]
            categories: [SAFETY]
        """;

    private static readonly CompiledBundle Bundle = TestBundle.Compile(
        Right,
        TestBundle.Rules(
            TestBundle.Rule("weighed", categories: "SAFETY, STRENGTHS, INCIDENT", holder: "SOCIAL_TEAM", recipient: "POLICE", basis: "right", more: "when: {involved: true}"),
            TestBundle.Rule("tasked", categories: "SAFETY", holder: "SOCIAL_TEAM", recipient: "POLICE", basis: "task", more: "when: {involved: true}")));

    private static readonly DecisionFacts Involved = Requests.Facts(Domain.SocialTeam, Domain.Police, involved: true);

    private static readonly Actor Professional = new() { OrganisationId = "social", Role = "sociaal werker", ProfessionalId = "sw-0042" };

    [Fact]
    public void A_request_under_a_right_of_the_holder_releases_nothing_and_waits_for_a_professional_of_the_holder()
    {
        var decision = Decide(Pull("right", DataCategory.Safety, DataCategory.Incident, DataCategory.ChildVoice));

        Assert.Equal(Decision.HolderDecisionRequired, decision.Decision);
        Assert.True(decision.Released.IsEmpty);
        Assert.Equal([DataCategory.Incident, DataCategory.Safety], decision.AwaitingHolder.ToArray());
        Assert.Equal(DataCategory.ChildVoice, Assert.Single(decision.Denials).Category);
        Assert.Equal(PolicyReasonCodes.HolderDecisionRequired, decision.ReasonCode);
        Assert.True(decision.Obligations.IsEmpty);
        var response = new DecideResponse();
        decision.CopyTo(response);
        Assert.Equal([DataCategory.Incident, DataCategory.Safety], response.AwaitingHolder);
        Assert.True(response.BasisWeighedByHolder);
        Assert.Null(decision.DecidedBy(Pull("right", DataCategory.Safety)));
    }

    [Fact]
    public void Once_a_professional_of_the_holder_approved_the_request_is_released_and_names_who_decided()
    {
        var request = Pull("right", DataCategory.Safety, DataCategory.Incident);
        request.HolderDecision = new HolderDecision { HolderDecisionId = "d-1", DecidedBy = Professional, Reason = "The officer needs it tonight." };

        var decision = Decide(request);

        Assert.Equal(Decision.Permit, decision.Decision);
        Assert.True(decision.AwaitingHolder.IsEmpty);
        Assert.Equal("sw-0042", decision.DecidedBy(request)!.ProfessionalId);
    }

    [Fact]
    public void An_approval_does_not_stand_in_for_what_the_rules_require()
    {
        var request = Pull("right", DataCategory.Safety);
        request.HolderDecision = new HolderDecision { HolderDecisionId = "d-1", DecidedBy = Professional, Reason = "Needed." };

        var decision = PolicyEvaluatorAccess.Decide(Bundle, request, Requests.Facts(Domain.SocialTeam, Domain.Police), Requests.Now);

        Assert.Equal((Decision.Deny, PolicyReasonCodes.NoActiveInvolvement), (decision.Decision, decision.ReasonCode));
    }

    [Fact]
    public void The_holders_own_push_under_a_right_is_its_professionals_act_and_is_released_naming_who_published_it()
    {
        var request = Pull("right", DataCategory.Safety);
        request.Kind = DisclosureKind.Push;
        request.Recipient.ProfessionalId = string.Empty;
        request.PublishedBy = Professional;

        var decision = Decide(request);

        Assert.Equal(Decision.Permit, decision.Decision);
        Assert.True(decision.BasisWeighedByHolder);
        Assert.Equal("sw-0042", decision.DecidedBy(request)!.ProfessionalId);
    }

    [Fact]
    public void Without_a_cited_basis_a_task_that_releases_as_much_is_chosen_over_a_right_that_would_wait()
    {
        var decision = Decide(Pull(string.Empty, DataCategory.Safety));

        Assert.Equal(Decision.Permit, decision.Decision);
        Assert.Equal("task", decision.LegalBasis!.Id);
        Assert.False(decision.BasisWeighedByHolder);
    }

    [Fact]
    public void Without_a_cited_basis_a_right_that_would_release_more_is_chosen_and_waits_for_the_holder()
    {
        var decision = Decide(Pull(string.Empty, DataCategory.Safety, DataCategory.Strengths));

        Assert.Equal(Decision.HolderDecisionRequired, decision.Decision);
        Assert.Equal("right", decision.LegalBasis!.Id);
        Assert.Equal([DataCategory.Safety, DataCategory.Strengths], decision.AwaitingHolder.ToArray());
    }

    [Theory]
    [InlineData("", "sw-0042", "Needed.", "holder_decision.holder_decision_id")]
    [InlineData("d-1", "", "Needed.", "holder_decision.decided_by.professional_id")]
    [InlineData("d-1", "sw-0042", "", "holder_decision.reason")]
    public void An_approval_without_its_request_professional_or_reason_is_invalid(string id, string professional, string reason, string field)
    {
        var request = Pull("right", DataCategory.Safety);
        request.HolderDecision = new HolderDecision { HolderDecisionId = id, DecidedBy = new Actor { ProfessionalId = professional }, Reason = reason };

        var error = Assert.Throws<PolicyInputException>(() => Decide(request));

        Assert.Equal(field, Assert.Single(error.Violations).Field);
    }

    private static PolicyDecision Decide(DecideRequest request) => PolicyEvaluatorAccess.Decide(Bundle, request, Involved, Requests.Now);

    private static DecideRequest Pull(string basis, params DataCategory[] categories) =>
        Requests.Decide("social", "police", Purpose.SafetyAssessment, basis, categories);
}
