using Exchange.Policy.Engine.Testing;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Testing;

public sealed class BundleTestRunnerTests
{
    [Fact]
    public void A_case_whose_expectations_hold_passes()
    {
        var report = Run("""
            request: {holder: police, recipient: vt, purpose: SAFETY_ASSESSMENT, legal_basis: basis-a, categories: [INCIDENT, MEASURE], kind: PUSH}
            expect:
              decision: PARTIAL_PERMIT
              released: [INCIDENT]
              denied: {MEASURE: NO_PERMITTING_RULE}
              rules: [police-to-vt]
              obligations: []
            """);

        Assert.Equal(("1 passed, 0 failed", true), (report.Summary, report.AllPassed));
    }

    [Fact]
    public void Each_unmet_expectation_is_reported_with_what_came_out()
    {
        var report = Run("""
            request: {holder: police, recipient: vt, purpose: SAFETY_ASSESSMENT, legal_basis: basis-a, categories: [INCIDENT, MEASURE], kind: PUSH}
            expect:
              decision: PERMIT
              released: [INCIDENT, MEASURE]
              denied: {}
              rules: [police-to-vt]
              reason_code: HARD_DENIAL
            """);

        var result = Assert.Single(report.Results);
        Assert.Equal(
            [
                "decision: expected [PERMIT], got [PARTIAL_PERMIT]",
                "released: expected [INCIDENT, MEASURE], got [INCIDENT]",
                "denied: expected [], got [MEASURE=NO_PERMITTING_RULE]",
                "reason_code: expected [HARD_DENIAL], got []",
            ],
            result.Failures);
        Assert.Equal("0 passed, 1 failed", report.Summary);
    }

    [Fact]
    public void A_case_may_expect_a_request_to_be_refused_as_invalid()
    {
        var report = Run("""
            request: {holder: nobody, recipient: vt, purpose: SAFETY_ASSESSMENT, legal_basis: basis-a, categories: [INCIDENT], kind: PUSH}
            expect: {invalid_field: holder_organisation_id}
            """);

        Assert.True(report.AllPassed);
    }

    [Fact]
    public void A_case_expecting_an_invalid_field_fails_when_the_request_is_decided()
    {
        var report = Run("""
            request: {holder: police, recipient: vt, purpose: SAFETY_ASSESSMENT, legal_basis: basis-a, categories: [INCIDENT], kind: PUSH}
            expect: {invalid_field: purpose}
            """);

        Assert.Equal(["expected field 'purpose' to be named invalid, but the request was decided: PERMIT"], Assert.Single(report.Results).Failures);
    }

    [Fact]
    public void A_case_whose_request_is_unexpectedly_invalid_fails()
    {
        var report = Run("""
            request: {holder: police, recipient: vt, purpose: SAFETY_ASSESSMENT, legal_basis: wpg-99, categories: [INCIDENT], kind: PUSH}
            expect: {decision: PERMIT}
            """);

        Assert.StartsWith("the request was refused as invalid", Assert.Single(Assert.Single(report.Results).Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void A_case_is_decided_at_its_own_moment_or_the_bundles()
    {
        const string Conference = """
            rules:
              - {id: conference, holder: [POLICE], recipient: [SOCIAL_TEAM], purposes: [CASE_CONFERENCE], legal_basis: basis-a, categories: [INCIDENT], when: {case_conference: true, agreement: covenant}}
            tests:
              - name: during the covenant
                request: {holder: police, recipient: social, purpose: CASE_CONFERENCE, legal_basis: basis-a, categories: [INCIDENT], kind: PULL}
                facts: {case_conference: true}
                expect: {decision: PERMIT}
              - name: after the covenant
                at: 2027-02-01
                request: {holder: police, recipient: social, purpose: CASE_CONFERENCE, legal_basis: basis-a, categories: [INCIDENT], kind: PULL}
                facts: {case_conference: true}
                expect: {decision: DENY, reason_code: AGREEMENT_NOT_IN_FORCE}
            """;

        Assert.True(BundleTestRunner.Run(TestBundle.Compile(Conference)).AllPassed);
    }

    private static BundleTestReport Run(string testCase)
    {
        var indented = string.Join("\n", testCase.Split('\n').Select(line => "    " + line));
        return BundleTestRunner.Run(TestBundle.Compile(TestBundle.PoliceToVtRule, $"tests:\n  - name: the case\n{indented}\n"));
    }
}
