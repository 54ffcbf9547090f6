using Exchange.Cli.Policy;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Cli;

/// <summary><c>exchange policy test|check</c> as CI runs them: the closing line and the exit code.</summary>
public sealed class PolicyCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Policy_test_on_the_default_bundle_passes_and_ends_with_the_counts()
    {
        using var output = new StringWriter();

        var exit = PolicyCommand.Test(Repository.PoliciesDirectory, output);

        var lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(PolicyCommand.Success, exit);
        Assert.Matches("^[1-9][0-9]* passed, 0 failed$", lines[^1]);
    }

    [Fact]
    public void Policy_test_fails_when_a_test_case_fails_and_names_it_with_its_place()
    {
        using var dir = new TempDirectory();
        dir.Write("bundle.yaml", TestBundle.Base);
        dir.Write("tests/cases.yaml", """
            tests:
              - name: the police report reaches Veilig Thuis
                request: {holder: police, recipient: vt, purpose: SAFETY_ASSESSMENT, legal_basis: basis-a, categories: [INCIDENT], kind: PUSH}
                expect: {decision: PERMIT}
            """);
        using var output = new StringWriter();

        var exit = PolicyCommand.Test(dir.Path, output);

        Assert.Equal(PolicyCommand.Failed, exit);
        Assert.Contains("FAIL  the police report reaches Veilig Thuis", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("tests/cases.yaml:2:5: decision: expected [PERMIT], got [DENY]", output.ToString(), StringComparison.Ordinal);
        Assert.EndsWith($"0 passed, 1 failed{Environment.NewLine}", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_test_on_a_bundle_that_does_not_load_prints_its_errors_and_exits_two()
    {
        using var dir = new TempDirectory();
        dir.Write("bundle.yaml", TestBundle.Base + "\nrules: [\n");
        using var output = new StringWriter();

        var exit = PolicyCommand.Test(dir.Path, output);

        Assert.Equal(PolicyCommand.BundleRejected, exit);
        Assert.Contains("bundle.yaml:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("invalid YAML", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_check_on_the_default_bundle_finds_nothing()
    {
        using var output = new StringWriter();

        var exit = PolicyCommand.Check(Repository.PoliciesDirectory, Now, output);

        Assert.Equal(PolicyCommand.Success, exit);
        Assert.EndsWith($": 0 findings{Environment.NewLine}", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_check_reports_findings_and_fails()
    {
        using var dir = new TempDirectory();
        dir.Write("bundle.yaml", TestBundle.Base);
        dir.Write("rules.yaml", TestBundle.Rules(TestBundle.Rule("never", categories: "SAFETY", holder: "VEILIG_THUIS", recipient: "POLICE", purposes: "ACUTE_SAFETY", basis: "basis-b")));
        using var output = new StringWriter();

        var exit = PolicyCommand.Check(dir.Path, Now, output);

        Assert.Equal(PolicyCommand.Failed, exit);
        Assert.Contains("rule-never-fires: rule 'never' can never fire", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("category-never-released", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_check_names_a_rule_that_uses_the_meldrecht_for_veilig_thuis_giving_to_the_police()
    {
        using var dir = TempDirectory.CopyOf(Repository.PoliciesDirectory);
        var rules = Path.Combine(dir.Path, "rules", "veilig-thuis.yaml");
        var text = File.ReadAllText(rules);
        var acute = text.IndexOf("- id: vt-to-police-acute", StringComparison.Ordinal);
        var basis = text.IndexOf("legal_basis: vt-task", acute, StringComparison.Ordinal);
        File.WriteAllText(rules, string.Concat(text.AsSpan(0, basis), "legal_basis: wmo-5-2-6", text.AsSpan(basis + "legal_basis: vt-task".Length)));
        using var output = new StringWriter();

        var exit = PolicyCommand.Check(dir.Path, Now, output);

        Assert.Equal(PolicyCommand.Failed, exit);
        Assert.Contains(
            "rule-against-basis-direction: rule 'vt-to-police-acute' uses legal basis 'wmo-5-2-6' (Wet maatschappelijke ondersteuning 2015 art. 5.2.6) against its direction",
            output.ToString(),
            StringComparison.Ordinal);
    }
}
