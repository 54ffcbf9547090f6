using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Evaluation;

public sealed class PolicyEvaluatorTests
{
    private const string LocationDenial = """
        hard_denials:
          - id: no-location
            description: a secret address stays secret
            categories: [CONFIDENTIAL_LOCATION]
            unless:
              - recipient: [POLICE]
                purposes: [ACUTE_SAFETY]
        """;

    private static readonly string BreakGlassRule = TestBundle.Rules(TestBundle.Rule("vt-to-police-acute", categories: "SAFETY, CONFIDENTIAL_LOCATION", holder: "VEILIG_THUIS", recipient: "POLICE", purposes: "ACUTE_SAFETY", more: "when: {involved: true}, break_glass: true, obligations: {retention_days: 30, no_onward_sharing: true}"));

    [Fact]
    public void A_request_no_rule_speaks_to_is_denied()
    {
        var decision = Decide(TestBundle.Compile(), Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident), Requests.PoliceToVt());

        Assert.Equal(Decision.Deny, decision.Decision);
        Assert.Empty(decision.Released);
        Assert.Equal(PolicyReasonCodes.NoPermittingRule, decision.ReasonCode);
        Assert.Empty(decision.RuleIds);
    }

    [Fact]
    public void A_permitting_rule_releases_what_is_asked()
    {
        var decision = Decide(TestBundle.Compile(TestBundle.PoliceToVtRule), Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident, DataCategory.Safety), Requests.PoliceToVt());

        Assert.Equal(Decision.Permit, decision.Decision);
        Assert.Equal([DataCategory.Incident, DataCategory.Safety], decision.Released);
        Assert.Empty(decision.Denied);
        Assert.Equal(["police-to-vt"], decision.RuleIds);
        Assert.Equal(string.Empty, decision.ReasonCode);
    }

    [Fact]
    public void A_request_for_more_than_a_rule_releases_is_partially_permitted_with_a_reason_per_denied_category()
    {
        var decision = Decide(
            TestBundle.Compile(TestBundle.PoliceToVtRule),
            Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident, DataCategory.Measure, DataCategory.Health),
            Requests.PoliceToVt());

        Assert.Equal(Decision.PartialPermit, decision.Decision);
        Assert.Equal([DataCategory.Incident], decision.Released);
        Assert.Equal([DataCategory.Measure, DataCategory.Health], decision.Denied);
        Assert.All(decision.Denials, d => Assert.Equal(PolicyReasonCodes.NoPermittingRule, d.ReasonCode));
        Assert.Equal(string.Empty, decision.ReasonCode);
    }

    [Fact]
    public void A_hard_denial_beats_every_permit()
    {
        var bundle = TestBundle.Compile(LocationDenial, TestBundle.Rules(TestBundle.Rule("vt-to-social", categories: "SAFETY, CONFIDENTIAL_LOCATION", holder: "VEILIG_THUIS", recipient: "SOCIAL_TEAM", purposes: "RECOVERY_PLANNING")));

        var decision = Decide(bundle, Requests.Decide("vt", "social", Purpose.RecoveryPlanning, "basis-a", DataCategory.Safety, DataCategory.ConfidentialLocation), Requests.Facts(Domain.VeiligThuis, Domain.SocialTeam));

        Assert.Equal(Decision.PartialPermit, decision.Decision);
        Assert.Equal([DataCategory.Safety], decision.Released);
        var denial = Assert.Single(decision.Denials);
        Assert.Equal((DataCategory.ConfidentialLocation, PolicyReasonCodes.HardDenial, "no-location"), (denial.Category, denial.ReasonCode, denial.RuleId));
        Assert.Equal("hard denial 'no-location': a secret address stays secret", denial.Explanation);
        Assert.Equal(["no-location", "vt-to-social"], decision.RuleIds);
    }

    [Fact]
    public void A_hard_denial_leaves_alone_what_its_exception_names()
    {
        var bundle = TestBundle.Compile(LocationDenial, BreakGlassRule);

        var decision = Decide(bundle, Requests.Decide("vt", "police", Purpose.AcuteSafety, "basis-a", DataCategory.ConfidentialLocation), Requests.Facts(Domain.VeiligThuis, Domain.Police, involved: true));

        Assert.Equal(Decision.Permit, decision.Decision);
        Assert.Equal(["vt-to-police-acute"], decision.RuleIds);
    }

    [Fact]
    public void A_hard_denial_applies_even_where_no_rule_would_permit()
    {
        var decision = Decide(TestBundle.Compile(LocationDenial), Requests.Decide("vt", "social", Purpose.RecoveryPlanning, "basis-a", DataCategory.ConfidentialLocation), Requests.Facts(Domain.VeiligThuis, Domain.SocialTeam));

        Assert.Equal(PolicyReasonCodes.HardDenial, decision.ReasonCode);
    }

    [Fact]
    public void A_hard_denial_with_conditions_applies_only_when_they_hold()
    {
        var bundle = TestBundle.Compile(TestBundle.PoliceToVtRule, """
            hard_denials:
              - id: it-joint
                categories: ALL
                when: {violence_type: [INTIMATE_TERROR], joint_session: true}
                reason_code: INTIMATE_TERROR_JOINT_SESSION
            """);
        var request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident);
        request.JointSession = true;

        var terror = Decide(bundle, request, Requests.Facts(Domain.Police, Domain.VeiligThuis, violence: ViolenceType.IntimateTerror));
        var situational = Decide(bundle, request, Requests.Facts(Domain.Police, Domain.VeiligThuis, violence: ViolenceType.Situational));

        Assert.Equal((Decision.Deny, PolicyReasonCodes.IntimateTerrorJointSession), (terror.Decision, terror.ReasonCode));
        Assert.Equal(Decision.Permit, situational.Decision);
    }

    [Fact]
    public void An_unmet_condition_denies_with_its_reason_code_and_the_rule_that_required_it()
    {
        var decision = Decide(TestBundle.Compile(BreakGlassRule), Requests.Decide("vt", "police", Purpose.AcuteSafety, "basis-a", DataCategory.Safety), Requests.Facts(Domain.VeiligThuis, Domain.Police));

        var denial = Assert.Single(decision.Denials);
        Assert.Equal((PolicyReasonCodes.NoActiveInvolvement, "vt-to-police-acute"), (denial.ReasonCode, denial.RuleId));
        Assert.Equal("rule 'vt-to-police-acute' requires that the recipient has an active involvement with a subject", denial.Explanation);
        Assert.Equal(["vt-to-police-acute"], decision.RuleIds);
        Assert.True(decision.Obligations.IsEmpty);
    }

    [Fact]
    public void Break_glass_with_a_justification_stands_in_for_the_involvement_and_flags_the_release()
    {
        var request = Requests.Decide("vt", "police", Purpose.AcuteSafety, "basis-a", DataCategory.Safety);
        request.BreakGlass = new BreakGlass { Justification = "Restraining order broken at 02:00." };

        var decision = Decide(TestBundle.Compile(BreakGlassRule), request, Requests.Facts(Domain.VeiligThuis, Domain.Police));

        Assert.Equal(Decision.Permit, decision.Decision);
        Assert.True(decision.BreakGlassUsed);
        Assert.True(decision.Obligations.ReviewRequired);
        Assert.True(decision.Obligations.NotifyHolder);
        Assert.Equal(
            [new(ObligationKind.Retention, 30), new(ObligationKind.NoOnwardSharing, 0), new(ObligationKind.NotifyHolder, 0), new(ObligationKind.ReviewRequired, 0)],
            decision.Obligations);
    }

    [Fact]
    public void Break_glass_is_not_flagged_when_the_rules_permit_without_it()
    {
        var request = Requests.Decide("vt", "police", Purpose.AcuteSafety, "basis-a", DataCategory.Safety);
        request.BreakGlass = new BreakGlass { Justification = "Just in case." };

        var decision = Decide(TestBundle.Compile(BreakGlassRule), request, Requests.Facts(Domain.VeiligThuis, Domain.Police, involved: true));

        Assert.False(decision.BreakGlassUsed);
        Assert.False(decision.Obligations.ReviewRequired);
    }

    [Fact]
    public void Break_glass_does_not_stand_in_for_an_agreement_or_a_violence_type()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("strict", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "POLICE", purposes: "ACUTE_SAFETY", more: "when: {involved: true, violence_type: [SITUATIONAL]}, break_glass: true")));
        var request = Requests.Decide("vt", "police", Purpose.AcuteSafety, "basis-a", DataCategory.Safety);
        request.BreakGlass = new BreakGlass { Justification = "Acute." };

        var decision = Decide(bundle, request, Requests.Facts(Domain.VeiligThuis, Domain.Police, violence: ViolenceType.IntimateTerror));

        Assert.Equal(Decision.Deny, decision.Decision);
        Assert.Equal(PolicyReasonCodes.NoActiveInvolvement, decision.ReasonCode);
        Assert.False(decision.BreakGlassUsed);
    }

    [Fact]
    public void Break_glass_for_another_purpose_than_acute_safety_denies_the_whole_request()
    {
        var request = Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident, DataCategory.Safety);
        request.BreakGlass = new BreakGlass { Justification = "Please." };

        var decision = Decide(TestBundle.Compile(TestBundle.PoliceToVtRule), request, Requests.PoliceToVt());

        Assert.Equal(Decision.Deny, decision.Decision);
        Assert.Equal(PolicyReasonCodes.BreakGlassNotAllowed, decision.ReasonCode);
        Assert.All(decision.Denials, d => Assert.Equal(PolicyReasonCodes.BreakGlassNotAllowed, d.ReasonCode));
    }

    [Fact]
    public void Break_glass_does_not_beat_a_hard_denial()
    {
        var request = Requests.Decide("vt", "police", Purpose.AcuteSafety, "basis-a", DataCategory.Safety);
        request.BreakGlass = new BreakGlass { Justification = "Acute." };
        var bundle = TestBundle.Compile(BreakGlassRule, "hard_denials:\n  - {id: never-safety, categories: [SAFETY]}\n");

        var decision = Decide(bundle, request, Requests.Facts(Domain.VeiligThuis, Domain.Police));

        Assert.Equal(PolicyReasonCodes.HardDenial, decision.ReasonCode);
        Assert.False(decision.BreakGlassUsed);
    }

    [Fact]
    public void Obligations_of_all_releasing_rules_are_merged_with_the_shortest_retention()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("long", more: "obligations: {retention_days: 365, no_onward_sharing: true}"), TestBundle.Rule("short", categories: "SAFETY", more: "obligations: {retention_days: 30, notify_holder: true}"), TestBundle.Rule("unused", categories: "MEASURE", more: "obligations: {retention_days: 1, review_required: true}")));

        var decision = Decide(bundle, Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident, DataCategory.Safety), Requests.PoliceToVt());

        Assert.Equal(30u, decision.Obligations.RetentionDays);
        Assert.True(decision.Obligations.NoOnwardSharing);
        Assert.True(decision.Obligations.NotifyHolder);
        Assert.False(decision.Obligations.ReviewRequired);
        Assert.Equal(["long", "short"], decision.RuleIds);
    }

    [Fact]
    public void A_rule_releases_only_what_its_legal_basis_covers()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("too-wide", categories: "SAFETY, INCIDENT", holder: "VEILIG_THUIS", recipient: "POLICE", basis: "basis-b")));

        var decision = Decide(bundle, Requests.Decide("vt", "police", Purpose.SafetyAssessment, "basis-b", DataCategory.Safety, DataCategory.Incident), Requests.Facts(Domain.VeiligThuis, Domain.Police));

        Assert.Equal([DataCategory.Safety], decision.Released);
        Assert.Equal(PolicyReasonCodes.CategoryNotCovered, decision.ReasonFor(DataCategory.Incident)!.ReasonCode);
    }

    [Fact]
    public void A_category_released_only_for_other_purposes_is_denied_as_purpose_not_covered()
    {
        var decision = Decide(TestBundle.Compile(TestBundle.PoliceToVtRule), Requests.PoliceToVtFor(Purpose.RecoveryPlanning, DataCategory.Incident), Requests.PoliceToVt());

        Assert.Equal(PolicyReasonCodes.PurposeNotCovered, decision.ReasonCode);
        Assert.Equal("INCIDENT goes from POLICE to VEILIG_THUIS only for SAFETY_ASSESSMENT", decision.ReasonFor(DataCategory.Incident)!.Explanation);
    }

    [Fact]
    public void A_purpose_the_cited_basis_does_not_cover_is_denied_as_purpose_not_covered()
    {
        var decision = Decide(TestBundle.Compile(), Requests.Decide("vt", "police", Purpose.AcuteSafety, "basis-b", DataCategory.Safety), Requests.Facts(Domain.VeiligThuis, Domain.Police));

        Assert.Equal(PolicyReasonCodes.PurposeNotCovered, decision.ReasonCode);
    }

    [Fact]
    public void A_basis_the_holder_cannot_invoke_is_not_applicable()
    {
        var decision = Decide(TestBundle.Compile(), Requests.Decide("police", "vt", Purpose.SafetyAssessment, "basis-b", DataCategory.Safety), Requests.PoliceToVt());

        Assert.Equal(PolicyReasonCodes.BasisNotApplicable, decision.ReasonCode);
        Assert.Equal("legal basis 'basis-b' (Test law B art. 2) cannot be invoked by a holder of domain POLICE", decision.ReasonFor(DataCategory.Safety)!.Explanation);
    }

    [Fact]
    public void A_category_another_basis_would_release_points_to_that_basis()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("vt-safety", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "POLICE", basis: "basis-b")));

        var decision = Decide(bundle, Requests.Decide("vt", "police", Purpose.SafetyAssessment, "basis-a", DataCategory.Safety), Requests.Facts(Domain.VeiligThuis, Domain.Police));

        Assert.Equal(PolicyReasonCodes.BasisNotApplicable, decision.ReasonCode);
        Assert.Contains("under legal basis 'basis-b'", decision.ReasonFor(DataCategory.Safety)!.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rule_that_came_closest_to_releasing_a_category_gives_its_reason_whatever_the_rule_order()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(
            TestBundle.Rule("pushes-only", more: "kinds: [PUSH]"),
            TestBundle.Rule("needs-involvement", categories: "INCIDENT, SAFETY", more: "when: {involved: true}"),
            TestBundle.Rule("pushes-safety", categories: "SAFETY", more: "kinds: [PUSH]")));

        var decision = Decide(bundle, Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Safety, DataCategory.Incident), Requests.PoliceToVt());

        Assert.Equal(PolicyReasonCodes.NoActiveInvolvement, decision.ReasonFor(DataCategory.Incident)!.ReasonCode);
        Assert.Equal(PolicyReasonCodes.NoActiveInvolvement, decision.ReasonFor(DataCategory.Safety)!.ReasonCode);
        Assert.Equal("needs-involvement", decision.ReasonFor(DataCategory.Safety)!.RuleId);
        Assert.Equal(["needs-involvement"], decision.RuleIds);
    }

    [Fact]
    public void A_missing_involvement_is_named_before_an_agreement_that_is_not_in_force()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("conference", more: "when: {involved: true, agreement: covenant}")));
        var request = Requests.Decide("police", "outsider", Purpose.SafetyAssessment, "basis-a", DataCategory.Incident);

        var outsider = Decide(bundle, request, Requests.Facts(Domain.Police, Domain.VeiligThuis));
        var involvedOutsider = Decide(bundle, request, Requests.Facts(Domain.Police, Domain.VeiligThuis, involved: true));

        Assert.Equal(PolicyReasonCodes.NoActiveInvolvement, outsider.ReasonCode);
        Assert.Equal(PolicyReasonCodes.AgreementNotInForce, involvedOutsider.ReasonCode);
        Assert.Equal("covenant", involvedOutsider.ReasonFor(DataCategory.Incident)!.AgreementId);
    }

    [Fact]
    public void A_rule_whose_condition_fails_is_not_cited_when_another_rule_releases_the_category()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("needs-involvement", more: "when: {involved: true}"), TestBundle.Rule("unconditional")));

        var decision = Decide(bundle, Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident), Requests.PoliceToVt());

        Assert.Equal(Decision.Permit, decision.Decision);
        Assert.Equal(["unconditional"], decision.RuleIds);
    }

    [Fact]
    public void An_agreement_condition_depends_on_who_signed_and_when()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("conference", recipient: "SOCIAL_TEAM", purposes: "CASE_CONFERENCE", more: "when: {case_conference: true, agreement: covenant}")));
        var facts = Requests.Facts(Domain.Police, Domain.SocialTeam, caseConference: true);

        var signatory = PolicyEvaluatorAccess.Decide(bundle, Requests.Decide("police", "social", Purpose.CaseConference, "basis-a", DataCategory.Incident), facts, Requests.Now);
        var outsider = PolicyEvaluatorAccess.Decide(bundle, Requests.Decide("police", "outsider", Purpose.CaseConference, "basis-a", DataCategory.Incident), facts, Requests.Now);
        var expired = PolicyEvaluatorAccess.Decide(bundle, Requests.Decide("police", "social", Purpose.CaseConference, "basis-a", DataCategory.Incident), facts, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(Decision.Permit, signatory.Decision);
        Assert.Equal(PolicyReasonCodes.AgreementNotInForce, outsider.ReasonCode);
        Assert.Equal(PolicyReasonCodes.AgreementNotInForce, expired.ReasonCode);
    }

    [Fact]
    public void A_role_restricted_rule_releases_only_to_that_role()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("officer", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "POLICE", more: "recipient_roles: [wijkagent]")));
        var request = Requests.Decide("vt", "police", Purpose.SafetyAssessment, "basis-a", DataCategory.Safety);

        request.Recipient.Role = "WIJKAGENT";
        Assert.Equal(Decision.Permit, Decide(bundle, request, Requests.Facts(Domain.VeiligThuis, Domain.Police)).Decision);

        request.Recipient.Role = "rechercheur";
        Assert.Equal(PolicyReasonCodes.RecipientRoleNotPermitted, Decide(bundle, request, Requests.Facts(Domain.VeiligThuis, Domain.Police)).ReasonCode);
    }

    [Fact]
    public void The_reason_code_of_a_denial_is_the_most_specific_among_its_categories_in_any_request_order()
    {
        var bundle = TestBundle.Compile(LocationDenial, TestBundle.Rules(TestBundle.Rule("needs-involvement", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "SOCIAL_TEAM", purposes: "RECOVERY_PLANNING", more: "when: {involved: true}")));
        var facts = Requests.Facts(Domain.VeiligThuis, Domain.SocialTeam);

        var locationFirst = Decide(bundle, Requests.Decide("vt", "social", Purpose.RecoveryPlanning, "basis-a", DataCategory.ConfidentialLocation, DataCategory.Strengths, DataCategory.Safety), facts);
        var safetyFirst = Decide(bundle, Requests.Decide("vt", "social", Purpose.RecoveryPlanning, "basis-a", DataCategory.Safety, DataCategory.Strengths, DataCategory.ConfidentialLocation), facts);

        Assert.Equal(PolicyReasonCodes.HardDenial, locationFirst.ReasonFor(DataCategory.ConfidentialLocation)!.ReasonCode);
        Assert.Equal(PolicyReasonCodes.NoPermittingRule, locationFirst.ReasonFor(DataCategory.Strengths)!.ReasonCode);
        Assert.Equal(PolicyReasonCodes.NoActiveInvolvement, locationFirst.ReasonCode);
        Assert.Equal(PolicyReasonCodes.NoActiveInvolvement, safetyFirst.ReasonCode);
    }

    [Fact]
    public void Every_decision_carries_the_bundle_id_and_hash()
    {
        var bundle = TestBundle.Compile(TestBundle.PoliceToVtRule);

        var decision = Decide(bundle, Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident), Requests.PoliceToVt());

        Assert.Equal((bundle.Id, bundle.Hash), (decision.BundleId, decision.BundleHash));
    }

    [Fact]
    public void A_decision_fills_the_decide_response()
    {
        var bundle = TestBundle.Compile(TestBundle.PoliceToVtRule, LocationDenial);
        var decision = Decide(bundle, Requests.PoliceToVtFor(Purpose.SafetyAssessment, DataCategory.Incident, DataCategory.ConfidentialLocation), Requests.PoliceToVt());
        var response = new DecideResponse();

        decision.CopyTo(response);

        Assert.Equal(Decision.PartialPermit, response.Decision);
        Assert.Equal([DataCategory.Incident], response.Released);
        var denied = Assert.Single(response.Denied);
        Assert.Equal((DataCategory.ConfidentialLocation, PolicyReasonCodes.HardDenial, "no-location"), (denied.Category, denied.ReasonCode, denied.RuleId));
        Assert.Equal(["no-location", "police-to-vt"], response.RuleIds);
        Assert.Equal((bundle.Id, bundle.Hash, string.Empty), (response.BundleId, response.BundleHash, response.ReasonCode));
    }

    private static PolicyDecision Decide(CompiledBundle bundle, DecideRequest request, DecisionFacts facts) =>
        PolicyEvaluatorAccess.Decide(bundle, request, facts, Requests.Now);
}
