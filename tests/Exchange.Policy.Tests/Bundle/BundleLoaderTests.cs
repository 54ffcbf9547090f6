using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Bundle;

public sealed class BundleLoaderTests
{
    [Fact]
    public void A_valid_bundle_loads_with_its_id_version_and_rules()
    {
        var bundle = TestBundle.Compile(TestBundle.PoliceToVtRule);

        Assert.Equal("test-bundle", bundle.Id);
        Assert.Equal("1", bundle.Version);
        Assert.Equal(["police-to-vt"], bundle.Rules.Select(r => r.Id));
    }

    [Fact]
    public void Bad_yaml_is_reported_with_file_line_and_column()
    {
        var errors = TestBundle.Errors("rules:\n  - id: broken\n    categories: [INCIDENT\n");

        var error = Assert.Single(errors);
        Assert.Equal("part-0.yaml", error.Location.File);
        Assert.Equal(4, error.Location.Line);
        Assert.StartsWith("invalid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_category_is_reported_where_it_is_written_with_the_known_names()
    {
        var errors = TestBundle.Errors("""
            rules:
              - id: r
                holder: [POLICE]
                recipient: [VEILIG_THUIS]
                purposes: [SAFETY_ASSESSMENT]
                legal_basis: basis-a
                categories: [INCIDENT, ADDRESS]
            """);

        var error = Assert.Single(errors);
        Assert.Equal(new SourceLocation("part-0.yaml", 7, 28), error.Location);
        Assert.Contains("unknown DataCategory 'ADDRESS'", error.Message, StringComparison.Ordinal);
        Assert.Contains("CONFIDENTIAL_LOCATION", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_naming_a_missing_legal_basis_is_rejected_at_the_reference()
    {
        var errors = TestBundle.Errors("""
            rules:
              - id: r
                holder: [POLICE]
                recipient: [VEILIG_THUIS]
                purposes: [SAFETY_ASSESSMENT]
                legal_basis: wpg-99
                categories: [INCIDENT]
            """);

        var error = Assert.Single(errors);
        Assert.Equal(new SourceLocation("part-0.yaml", 6, 18), error.Location);
        Assert.Contains("rule 'r' names legal basis 'wpg-99', which the bundle does not define", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_rule_ids_are_rejected_naming_both_places()
    {
        var errors = TestBundle.Errors(TestBundle.PoliceToVtRule, TestBundle.PoliceToVtRule);

        var error = Assert.Single(errors);
        Assert.Equal("part-1.yaml", error.Location.File);
        Assert.Contains("duplicate rule or hard denial id 'police-to-vt'; it is first defined at part-0.yaml:2:5", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[], string> RejectedBundles() => new()
    {
        {
            "a hard denial may not reuse a rule id, because decisions name both",
            [TestBundle.PoliceToVtRule, "hard_denials:\n  - {id: police-to-vt, categories: [HEALTH]}\n"],
            "duplicate rule or hard denial id 'police-to-vt'"
        },
        {
            "legal basis ids are unique",
            ["legal_bases:\n  - {id: basis-a, law: L, article: a, summary: s, kind: TASK, holder_domains: [POLICE], recipient_domains: [VEILIG_THUIS], purposes: [ACUTE_SAFETY], categories: [SAFETY], source: test}\n"],
            "duplicate legal basis id 'basis-a'"
        },
        {
            "a bundle has one bundle section",
            ["bundle: {id: other, version: '2', tests_at: 2026-01-01}\n"],
            "a second 'bundle' section; the first is at base.yaml:2:3"
        },
        {
            "a condition names an agreement the bundle defines",
            [TestBundle.Rules(TestBundle.Rule("r", purposes: "CASE_CONFERENCE", more: "when: {case_conference: true, agreement: no-such-covenant}"))],
            "unknown agreement 'no-such-covenant'"
        },
        {
            "break-glass is only for a rule that covers acute safety",
            [TestBundle.Rules(TestBundle.Rule("r", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "POLICE", more: "when: {involved: true}, break_glass: true"))],
            "allows break-glass, which is only for ACUTE_SAFETY"
        },
        {
            "break-glass needs an involvement or case-conference condition to stand in for",
            [TestBundle.Rules(TestBundle.Rule("r", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "POLICE", purposes: "ACUTE_SAFETY", more: "break_glass: true"))],
            "requires neither"
        },
        {
            "a condition written as false would not mean 'not'",
            [TestBundle.Rules(TestBundle.Rule("r", categories: "SAFETY", more: "when: {involved: false}"))],
            "'involved: false' has no meaning"
        },
        {
            "a hard denial states only a hard-denial reason code",
            ["hard_denials:\n  - {id: d, categories: [HEALTH], reason_code: PURPOSE_NOT_COVERED}\n"],
            "states reason code 'PURPOSE_NOT_COVERED'"
        },
        {
            "a test case cannot pass by expecting a misspelt rule",
            ["tests:\n  - name: typo\n    request: {holder: police, recipient: vt, purpose: SAFETY_ASSESSMENT, legal_basis: basis-a, categories: [SAFETY], kind: PULL}\n    expect: {decision: DENY, rules: [polcie-to-vt]}\n"],
            "test case 'typo' expects rule 'polcie-to-vt', which the bundle does not define"
        },
        {
            "ids are lower case without spaces",
            ["partners:\n  - {id: Politie ZWB, name: P, domain: POLICE}\n"],
            "'Politie ZWB' is not a valid id"
        },
    };

    [Theory]
    [MemberData(nameof(RejectedBundles))]
    public void A_bundle_breaking_a_rule_of_the_language_is_rejected_saying_which(string rule, string[] files, string message)
    {
        var errors = TestBundle.Errors(files);

        Assert.True(errors.Any(e => e.Message.Contains(message, StringComparison.Ordinal)), $"{rule}: no error says \"{message}\" in {string.Join(" | ", errors)}");
    }

    [Fact]
    public void An_unknown_key_is_rejected_rather_than_ignored()
    {
        var errors = TestBundle.Errors("""
            rules:
              - id: r
                holder: [POLICE]
                recipient: [VEILIG_THUIS]
                purpose: [SAFETY_ASSESSMENT]
                legal_basis: basis-a
                categories: [INCIDENT]
            """);

        Assert.Contains(errors, e => e.Message.StartsWith("unknown key 'purpose' in a rule", StringComparison.Ordinal) && e.Location.Line == 5);
        Assert.Contains(errors, e => e.Message == "a rule has no 'purposes'");
    }

    [Fact]
    public void Every_problem_of_a_bundle_is_reported_in_one_run()
    {
        var errors = TestBundle.Errors("""
            rules:
              - id: r1
                holder: [POLICE]
                recipient: [VEILIG_THUIS]
                purposes: [SAFETY_ASSESSMENT]
                legal_basis: missing
                categories: [INCIDENT]
              - id: r2
                holder: [POLICE]
                recipient: [NOBODY]
                purposes: [SAFETY_ASSESSMENT]
                legal_basis: basis-a
                categories: [INCIDENT]
            """);

        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void A_bundle_without_a_bundle_section_is_rejected()
    {
        var result = BundleLoader.Load(BundleSource.FromTexts(("rules.yaml", TestBundle.PoliceToVtRule)));

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Message.StartsWith("the bundle has no 'bundle' section", StringComparison.Ordinal));
    }

    [Fact]
    public void A_special_category_listed_as_an_ordinary_one_is_rejected()
    {
        var errors = TestBundle.Errors("""
            legal_bases:
              - {id: casual, law: L, article: a, summary: s, kind: TASK, holder_domains: [POLICE], recipient_domains: [VEILIG_THUIS], purposes: [ACUTE_SAFETY], categories: [SAFETY, HEALTH], source: test}
            """);

        var error = Assert.Single(errors);
        Assert.Contains("lists HEALTH under 'categories', but it is a special category", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_agreement_signed_by_an_unknown_partner_is_rejected()
    {
        var errors = TestBundle.Errors("""
            agreements:
              - {id: other-covenant, name: Other, partners: [police, nobody], valid_from: 2025-01-01}
            """);

        var error = Assert.Single(errors);
        Assert.Equal(2, error.Location.Line);
        Assert.Contains("unknown partner 'nobody'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_naming_a_purpose_the_bundle_does_not_define_is_rejected()
    {
        var source = BundleSource.FromTexts(
            ("base.yaml", TestBundle.Base.Replace("  - {id: COORDINATION, title: Coordination}\n", string.Empty, StringComparison.Ordinal)),
            ("rules.yaml", "rules:\n  - {id: r, holder: [POLICE], recipient: [SOCIAL_TEAM], purposes: [COORDINATION], legal_basis: basis-a, categories: [INVOLVEMENT]}\n"));

        var result = BundleLoader.Load(source);

        Assert.Contains(result.Errors, e => e.Message == "rule 'r' names purpose COORDINATION, which the bundle's 'purposes' do not define");
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_rejected_by_name()
    {
        var source = TestBundle.Source() with { Files = [.. TestBundle.Source().Files, new BundleFile("latin1.yaml", new byte[] { 0x23, 0x20, 0xE9, 0x0A })] };

        var result = BundleLoader.Load(source);

        Assert.Contains(result.Errors, e => e.Location.File == "latin1.yaml" && e.Message == "the file is not valid UTF-8");
    }

    [Fact]
    public void Errors_name_the_file_under_the_directory_it_was_loaded_from()
    {
        using var dir = new TempDirectory();
        dir.Write("base.yaml", TestBundle.Base);
        dir.Write("rules/bad.yaml", "rules: [not-a-mapping]\n");

        var result = BundleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(Path.Join(dir.Path, "rules/bad.yaml"), error.Location.File);
        Assert.Equal($"{Path.Join(dir.Path, "rules/bad.yaml")}:1:9: each entry of 'rules' must be a mapping (a rule)", error.ToString());
    }
}
