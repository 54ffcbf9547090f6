using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Analysis;
using Exchange.Policy.Engine.Testing;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.DefaultBundle;

/// <summary>The bundle in policies/ is what the exchange starts with; it must activate and be clean.</summary>
public sealed class DefaultBundleTests
{
    private static readonly PolicyEngine Engine = PolicyEngine.Start(Repository.PoliciesDirectory);

    [Fact]
    public void The_default_bundle_activates_and_all_its_own_test_cases_pass()
    {
        var report = BundleTestRunner.Run(Engine.ActiveBundle);

        Assert.True(report.AllPassed, string.Join(Environment.NewLine, report.Results.Where(r => !r.Passed).SelectMany(r => r.Failures.Select(f => $"{r.Case.Name}: {f}"))));
        Assert.Equal("nl-partner-violence", Engine.ActiveBundle.Id);
    }

    [Fact]
    public void The_default_bundle_has_no_analysis_findings()
    {
        Assert.Empty(BundleAnalyzer.Analyze(Engine.ActiveBundle, new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void The_default_bundle_has_test_cases_for_each_scenario_step(int step)
    {
        Assert.Contains(Engine.ActiveBundle.Definition.TestCases, c => c.Name.StartsWith($"step {step}:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_bundle_knows_the_legal_bases_and_demo_partners_of_the_domain()
    {
        var bundle = Engine.ActiveBundle;

        Assert.Equal(
            ["avg-10", "avg-6-1-e", "avg-9-2-g", "bpg-4-3", "bw-1-240", "convenant-zvh", "jw-7-3-11", "vt-task", "wmo-5-2-6", "wpg-19", "wpg-20", "wth"],
            bundle.LegalBases.Select(b => b.Id).Order(StringComparer.Ordinal));
        Assert.Equal(Domain.Police, bundle.DomainOf("politie-zwb"));
        Assert.Equal(Domain.VeiligThuis, bundle.DomainOf("vt-mwb"));
        Assert.Equal(Domain.ChildProtection, bundle.DomainOf("rvdk-zuidwest"));
        Assert.Equal(Domain.SocialTeam, bundle.DomainOf("swt-tilburg"));
    }

    [Fact]
    public void Every_rule_and_hard_denial_of_the_default_bundle_decides_at_least_one_of_its_test_cases()
    {
        var bundle = Engine.ActiveBundle;
        var decisive = bundle.Definition.TestCases
            .Where(c => c.Expect.InvalidField is null)
            .SelectMany(c => PolicyEvaluatorAccess.Decide(bundle, BundleTestRunner.RequestOf(c.Request), BundleTestRunner.FactsOf(bundle, c), c.At ?? bundle.Definition.Manifest.TestsAt).RuleIds)
            .ToHashSet(StringComparer.Ordinal);

        var never = bundle.Rules.Select(r => r.Id).Concat(bundle.HardDenials.Select(d => d.Id)).Where(id => !decisive.Contains(id)).ToList();
        Assert.True(never.Count == 0, $"decide no test case: {string.Join(", ", never)}");
    }
}
