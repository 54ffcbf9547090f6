using Exchange.Policy.Engine.Analysis;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Analysis;

public sealed class BundleAnalyzerTests
{
    /// <summary>Rules that release every category, so a test sees only the findings it provokes.</summary>
    private const string EveryCategory = """
        rules:
          - id: every-category
            holder: [VEILIG_THUIS]
            recipient: [POLICE]
            purposes: [SAFETY_ASSESSMENT]
            legal_basis: basis-a
            categories: [INVOLVEMENT, CONTACT, CONFIDENTIAL_LOCATION, INCIDENT, SAFETY, MEASURE, STRENGTHS, HEALTH]
          - id: basis-b-rule
            holder: [VEILIG_THUIS]
            recipient: [SOCIAL_TEAM]
            purposes: [SAFETY_ASSESSMENT]
            legal_basis: basis-b
            categories: [SAFETY]
        legal_bases:
          - id: basis-c
            law: Test law C
            article: art. 3
            summary: The remaining categories.
            kind: STRUCTURAL
            regime: WPG
            source: a test
            holder_domains: [POLICE]
            recipient_domains: [SOCIAL_TEAM]
            purposes: [PROBLEM_ANALYSIS]
            categories: [IDENTIFYING, CHILD_VOICE, SOCIAL_CIRCUMSTANCES]
            special_categories: [CRIMINAL]
          - id: basis-unused
            law: Test law D
            article: art. 4
            summary: Nobody uses it.
            kind: TASK
            source: a test
            holder_domains: [POLICE]
            recipient_domains: [SOCIAL_TEAM]
            purposes: [PROBLEM_ANALYSIS]
            categories: [IDENTIFYING]
        """;

    private const string RestCategories = """
        rules:
          - id: rest
            holder: [POLICE]
            recipient: [SOCIAL_TEAM]
            purposes: [PROBLEM_ANALYSIS]
            legal_basis: basis-c
            categories: [IDENTIFYING, CHILD_VOICE, SOCIAL_CIRCUMSTANCES, CRIMINAL]
        """;

    [Fact]
    public void A_bundle_without_problems_has_no_findings_but_the_unused_basis()
    {
        var findings = Analyze();

        var finding = Assert.Single(findings);
        Assert.Equal((FindingKind.LegalBasisUnused, "basis-unused"), (finding.Kind, finding.Subject));
        Assert.Equal("legal-basis-unused", finding.Code);
        Assert.Equal("part-0.yaml", finding.Location.File);
    }

    [Fact]
    public void A_rule_whose_basis_the_holder_cannot_invoke_uses_it_against_its_direction()
    {
        var findings = Analyze(Rule("cannot-invoke", "POLICE", "basis-b", "SAFETY", "SAFETY_ASSESSMENT"));

        var finding = Assert.Single(findings, f => f.Subject == "cannot-invoke");
        Assert.Equal(FindingKind.RuleAgainstBasisDirection, finding.Kind);
        Assert.Equal("rule-against-basis-direction", finding.Code);
        Assert.Equal("rule 'cannot-invoke' uses legal basis 'basis-b' (Test law B art. 2) against its direction: it lets VEILIG_THUIS give to POLICE, SOCIAL_TEAM, and the rule lists holder domains POLICE", finding.Message);
    }

    [Fact]
    public void A_rule_giving_to_a_recipient_its_basis_does_not_give_to_uses_it_against_its_direction()
    {
        var findings = Analyze(Rule("wrong-recipient", "VEILIG_THUIS", "basis-b", "SAFETY", "SAFETY_ASSESSMENT", recipient: "CHILD_PROTECTION, POLICE"));

        var finding = Assert.Single(findings, f => f.Subject == "wrong-recipient");
        Assert.Equal(FindingKind.RuleAgainstBasisDirection, finding.Kind);
        Assert.EndsWith("and the rule lists recipient domains CHILD_PROTECTION", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_that_cites_a_covenant_as_its_basis_cites_no_legal_ground()
    {
        var findings = Analyze(
            Bases("- {id: covenant-basis, law: Convenant, article: covenant, summary: s, kind: AGREEMENT, holder_domains: [VEILIG_THUIS], recipient_domains: [POLICE], purposes: [CASE_CONFERENCE], categories: [SAFETY], source: a test}"),
            Rule("covenant-rule", "VEILIG_THUIS", "covenant-basis", "SAFETY", "CASE_CONFERENCE"));

        var finding = Assert.Single(findings, f => f.Subject == "covenant-rule");
        Assert.Equal(FindingKind.NotALegalGround, finding.Kind);
        Assert.Contains("it is an agreement: it records who takes part and for how long, it is no legal ground", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_that_names_an_addition_as_its_ground_cites_no_legal_ground()
    {
        var findings = Analyze(AvgBases, Rule("addition-alone", "VEILIG_THUIS", "art-9", "HEALTH", "SAFETY_ASSESSMENT"));

        Assert.Contains(findings, f => f is { Kind: FindingKind.NotALegalGround, Subject: "addition-alone" });
    }

    [Fact]
    public void A_rule_releasing_health_data_under_the_avg_without_the_addition_and_its_pair_is_reported()
    {
        var findings = Analyze(AvgBases, Rule("health-alone", "VEILIG_THUIS", "avg-task", "SAFETY, HEALTH", "SAFETY_ASSESSMENT"));

        var finding = Assert.Single(findings, f => f.Subject == "health-alone");
        Assert.Equal(FindingKind.SpecialCategoryWithoutPair, finding.Kind);
        Assert.StartsWith("rule 'health-alone' releases HEALTH under 'avg-task' without its paired provision", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_addition_cited_without_the_national_provision_it_needs_is_reported()
    {
        var findings = Analyze(AvgBases, Rule("half-pair", "VEILIG_THUIS", "avg-task", "SAFETY, HEALTH", "SAFETY_ASSESSMENT", "together_with: [art-9]"));

        Assert.Contains(findings, f => f is { Kind: FindingKind.BasisWithoutPair, Subject: "half-pair" } && f.Message.EndsWith("without any of the provisions it needs: national", StringComparison.Ordinal));
        Assert.Contains(findings, f => f is { Kind: FindingKind.SpecialCategoryWithoutPair, Subject: "half-pair" });
    }

    [Fact]
    public void Health_data_with_the_addition_and_its_national_provision_is_released_and_not_reported()
    {
        var bundle = TestBundle.Compile(EveryCategory, RestCategories, AvgBases, Rule("paired", "VEILIG_THUIS", "avg-task", "SAFETY, HEALTH", "SAFETY_ASSESSMENT", "together_with: [art-9, national]"));

        Assert.DoesNotContain(BundleAnalyzer.Analyze(bundle, Requests.Now), f => f.Subject == "paired");
        var decision = PolicyEvaluatorAccess.Decide(bundle, Requests.Decide("vt", "police", Contracts.V1.Purpose.SafetyAssessment, "avg-task", Contracts.V1.DataCategory.Health), Requests.Facts(Contracts.V1.Domain.VeiligThuis, Contracts.V1.Domain.Police), Requests.Now);
        Assert.Equal(Contracts.V1.Decision.Permit, decision.Decision);
    }

    [Fact]
    public void A_rule_that_sets_a_retention_term_is_reported_for_it_is_the_recipients_statutory_term()
    {
        var findings = Analyze(Rule("keeps", "VEILIG_THUIS", "basis-a", "SAFETY", "SAFETY_ASSESSMENT", "obligations: {retention_days: 30}"));

        var finding = Assert.Single(findings, f => f.Subject == "keeps");
        Assert.Equal(FindingKind.RuleSetsRetention, finding.Kind);
    }

    [Fact]
    public void A_rule_for_purposes_its_basis_does_not_cover_never_fires()
    {
        var findings = Analyze(Rule("wrong-purpose", "VEILIG_THUIS", "basis-b", "SAFETY", "ACUTE_SAFETY"));

        Assert.Contains(findings, f => f is { Kind: FindingKind.RuleNeverFires, Subject: "wrong-purpose" });
    }

    [Fact]
    public void A_rule_whose_agreement_no_partner_of_its_recipient_domain_signed_never_fires()
    {
        var findings = Analyze(Rule("unsigned", "VEILIG_THUIS", "basis-a", "SAFETY", "CASE_CONFERENCE", "when: {case_conference: true, agreement: covenant}", recipient: "CHILD_PROTECTION"));

        Assert.Contains(findings, f => f is { Kind: FindingKind.RuleNeverFires, Subject: "unsigned" } && f.Message.EndsWith("no partner of its recipient domains signed agreement 'covenant'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_whose_agreement_has_ended_never_fires()
    {
        var findings = BundleAnalyzer.Analyze(
            TestBundle.Compile(EveryCategory, RestCategories, Rule("expired", "VEILIG_THUIS", "basis-a", "SAFETY", "CASE_CONFERENCE", "when: {case_conference: true, agreement: covenant}")),
            new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Contains(findings, f => f is { Kind: FindingKind.RuleNeverFires, Subject: "expired" } && f.Message.EndsWith("agreement 'covenant' ended on 2027-01-01", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_listing_more_than_its_basis_covers_is_reported()
    {
        var findings = Analyze(Rule("too-wide", "VEILIG_THUIS", "basis-b", "SAFETY, HEALTH", "SAFETY_ASSESSMENT, ACUTE_SAFETY"));

        var finding = Assert.Single(findings, f => f.Kind == FindingKind.RuleExceedsLegalBasis);
        Assert.Equal("rule 'too-wide' lists what legal basis 'basis-b' does not cover, which it never releases: purposes ACUTE_SAFETY; categories HEALTH", finding.Message);
    }

    [Fact]
    public void A_rule_fully_shadowed_by_a_hard_denial_is_reported()
    {
        var findings = Analyze(
            Rule("only-health", "VEILIG_THUIS", "basis-a", "HEALTH", "RECOVERY_PLANNING", recipient: "SOCIAL_TEAM"),
            "hard_denials:\n  - {id: no-health-to-social, categories: [HEALTH], recipient: [SOCIAL_TEAM]}\n");

        Assert.Contains(findings, f => f is { Kind: FindingKind.RuleShadowedByHardDenial, Subject: "only-health" });
        Assert.DoesNotContain(findings, f => f is { Kind: FindingKind.RuleShadowedByHardDenial, Subject: "every-category" });
    }

    [Fact]
    public void A_hard_denial_with_an_exception_that_may_apply_does_not_shadow()
    {
        var findings = Analyze(
            Rule("acute-location", "VEILIG_THUIS", "basis-a", "CONFIDENTIAL_LOCATION", "ACUTE_SAFETY"),
            "hard_denials:\n  - {id: location, categories: [CONFIDENTIAL_LOCATION], unless: [{recipient: [POLICE], purposes: [ACUTE_SAFETY]}]}\n");

        Assert.DoesNotContain(findings, f => f.Kind == FindingKind.RuleShadowedByHardDenial);
    }

    [Fact]
    public void A_hard_denial_with_conditions_the_rule_does_not_imply_does_not_shadow()
    {
        var findings = Analyze(
            Rule("situational", "VEILIG_THUIS", "basis-a", "SAFETY", "RECOVERY_PLANNING", "when: {violence_type: [SITUATIONAL]}", recipient: "SOCIAL_TEAM"),
            Rule("terror", "VEILIG_THUIS", "basis-a", "STRENGTHS", "RECOVERY_PLANNING", "when: {violence_type: [INTIMATE_TERROR]}", recipient: "SOCIAL_TEAM"),
            "hard_denials:\n  - {id: terror-denial, categories: ALL, when: {violence_type: [INTIMATE_TERROR]}}\n");

        Assert.DoesNotContain(findings, f => f is { Kind: FindingKind.RuleShadowedByHardDenial, Subject: "situational" });
        Assert.Contains(findings, f => f is { Kind: FindingKind.RuleShadowedByHardDenial, Subject: "terror" });
    }

    [Fact]
    public void A_category_no_rule_can_release_is_reported()
    {
        var findings = BundleAnalyzer.Analyze(TestBundle.Compile(EveryCategory), Requests.Now);

        Assert.Equal(
            ["IDENTIFYING", "CRIMINAL", "CHILD_VOICE", "SOCIAL_CIRCUMSTANCES"],
            findings.Where(f => f.Kind == FindingKind.CategoryNeverReleased).Select(f => f.Subject));
        Assert.Contains(findings, f => f is { Kind: FindingKind.LegalBasisUnused, Subject: "basis-c" });
    }

    [Fact]
    public void A_category_released_only_by_shadowed_rules_is_reported()
    {
        var findings = Analyze("hard_denials:\n  - {id: no-voice, categories: [CHILD_VOICE]}\n");

        Assert.Contains(findings, f => f is { Kind: FindingKind.CategoryNeverReleased, Subject: "CHILD_VOICE" });
    }

    [Fact]
    public void A_finding_prints_as_location_code_and_message()
    {
        var finding = Analyze().Single();

        Assert.Equal($"{finding.Location}: legal-basis-unused: no rule uses legal basis 'basis-unused'", finding.ToString());
    }

    /// <summary>A ground under the AVG that covers health data, AVG art. 9 as an addition, and the national provision it needs.</summary>
    private static readonly string AvgBases = Bases(
        "- {id: avg-task, law: Task law, article: art. 1, summary: s, kind: TASK, holder_domains: [VEILIG_THUIS], recipient_domains: [POLICE], purposes: [SAFETY_ASSESSMENT], categories: [SAFETY], special_categories: [HEALTH], source: a test}",
        "- {id: art-9, law: AVG, article: art. 9(2)(g), summary: s, kind: ADDITION, holder_domains: [VEILIG_THUIS], recipient_domains: [POLICE], purposes: [SAFETY_ASSESSMENT], special_categories: [HEALTH], only_with: [national], source: a test}",
        "- {id: national, law: UAVG, article: art. 30, summary: s, kind: ADDITION, holder_domains: [VEILIG_THUIS], recipient_domains: [POLICE], purposes: [SAFETY_ASSESSMENT], special_categories: [HEALTH], only_with: [art-9], source: a test}");

    private static string Bases(params string[] bases) => "legal_bases:\n" + string.Concat(bases.Select(b => $"  {b}\n"));

    private static IReadOnlyList<AnalysisFinding> Analyze(params string[] files) =>
        BundleAnalyzer.Analyze(TestBundle.Compile([EveryCategory, RestCategories, .. files]), Requests.Now);

    private static string Rule(string id, string holder, string basis, string categories, string purposes, string when = "", string recipient = "POLICE") =>
        TestBundle.Rules(TestBundle.Rule(id, categories, holder, recipient, purposes, basis, when));
}
