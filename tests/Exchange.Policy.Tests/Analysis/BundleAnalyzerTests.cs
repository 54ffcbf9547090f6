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
            holder_domains: [POLICE]
            purposes: [PROBLEM_ANALYSIS]
            categories: [IDENTIFYING, CHILD_VOICE, SOCIAL_CIRCUMSTANCES]
            special_categories: [CRIMINAL]
          - id: basis-unused
            law: Test law D
            article: art. 4
            summary: Nobody uses it.
            holder_domains: [POLICE]
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
    public void A_rule_whose_basis_the_holder_cannot_invoke_never_fires()
    {
        var findings = Analyze(Rule("cannot-invoke", "POLICE", "basis-b", "SAFETY", "SAFETY_ASSESSMENT"));

        Assert.Contains(findings, f => f is { Kind: FindingKind.RuleNeverFires, Subject: "cannot-invoke" } && f.Message.EndsWith("legal basis 'basis-b' cannot be invoked by any of its holder domains", StringComparison.Ordinal));
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
        var findings = Analyze(Rule("too-wide", "VEILIG_THUIS, POLICE", "basis-b", "SAFETY, HEALTH", "SAFETY_ASSESSMENT"));

        var finding = Assert.Single(findings, f => f.Kind == FindingKind.RuleExceedsLegalBasis);
        Assert.Equal("rule 'too-wide' lists what legal basis 'basis-b' does not cover, which it never releases: holder domains POLICE; categories HEALTH", finding.Message);
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

    private static IReadOnlyList<AnalysisFinding> Analyze(params string[] files) =>
        BundleAnalyzer.Analyze(TestBundle.Compile([EveryCategory, RestCategories, .. files]), Requests.Now);

    private static string Rule(string id, string holder, string basis, string categories, string purposes, string when = "", string recipient = "POLICE") =>
        TestBundle.Rules(TestBundle.Rule(id, categories, holder, recipient, purposes, basis, when));
}
