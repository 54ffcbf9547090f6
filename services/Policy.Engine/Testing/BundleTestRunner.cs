using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Evaluation;

namespace Exchange.Policy.Engine.Testing;

/// <summary>One test case's outcome: passed when <see cref="Failures"/> is empty.</summary>
public sealed record BundleTestResult(BundleTestCase Case, IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>The outcome of all of a bundle's own test cases.</summary>
public sealed record BundleTestReport(string BundleId, string BundleHash, IReadOnlyList<BundleTestResult> Results)
{
    public int Passed => Results.Count(r => r.Passed);

    public int Failed => Results.Count - Passed;

    public bool AllPassed => Failed == 0;

    /// <summary>The closing line CI reads: "N passed, N failed".</summary>
    public string Summary => $"{Passed} passed, {Failed} failed";
}

/// <summary>
/// Runs a bundle's own test cases against it: each request is decided as the host would, with the facts the case
/// states and the partner domains from the bundle's partner list, at the case's moment or the bundle's tests_at.
/// </summary>
public static class BundleTestRunner
{
    public static BundleTestReport Run(CompiledBundle bundle) =>
        new(bundle.Id, bundle.Hash, [.. bundle.Definition.TestCases.Select(c => Run(bundle, c))]);

    public static BundleTestResult Run(CompiledBundle bundle, BundleTestCase testCase)
    {
        var failures = new List<string>();
        var expect = testCase.Expect;
        PolicyDecision decision;
        try
        {
            var facts = FactsOf(bundle, testCase);
            decision = PolicyEvaluator.Decide(bundle, RequestOf(testCase.Request), facts, testCase.At ?? bundle.Definition.Manifest.TestsAt);
        }
        catch (PolicyInputException e)
        {
            if (expect.InvalidField is null)
            {
                failures.Add($"the request was refused as invalid ({e.Message})");
            }
            else if (!e.Violations.Any(v => v.Field == expect.InvalidField))
            {
                failures.Add($"expected field '{expect.InvalidField}' to be named invalid, but the request was refused for: {string.Join(", ", e.Violations.Select(v => v.Field))}");
            }

            return new BundleTestResult(testCase, failures);
        }

        if (expect.InvalidField is not null)
        {
            failures.Add($"expected field '{expect.InvalidField}' to be named invalid, but the request was decided: {Vocabularies.Decisions.NameOf(decision.Decision)}");
        }

        Compare(failures, "decision", expect.Decision is { } d ? Vocabularies.Decisions.NameOf(d) : null, Vocabularies.Decisions.NameOf(decision.Decision));
        Compare(failures, "released", expect.Released is { } released ? Names(released.Select(Vocabularies.Categories.NameOf)) : null, Names(decision.Released.Select(Vocabularies.Categories.NameOf)));
        Compare(
            failures,
            "denied",
            expect.Denied is { } denied ? Names(denied.Select(kv => $"{Vocabularies.Categories.NameOf(kv.Key)}={kv.Value}")) : null,
            Names(decision.Denials.Select(x => $"{Vocabularies.Categories.NameOf(x.Category)}={x.ReasonCode}")));
        Compare(failures, "rules", expect.Rules is { } rules ? Names(rules) : null, Names(decision.RuleIds));
        Compare(failures, "obligations", expect.Obligations is { } obligations ? Names(obligations.Select(Vocabularies.Obligations.NameOf)) : null, Names(decision.Obligations.Select(o => Vocabularies.Obligations.NameOf(o.Kind))));
        Compare(failures, "retention_days", expect.RetentionDays?.ToString(System.Globalization.CultureInfo.InvariantCulture), decision.Obligations.RetentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Compare(failures, "reason_code", expect.ReasonCode, decision.ReasonCode);
        Compare(failures, "legal_basis", expect.LegalBasis, decision.LegalBasis?.Id ?? string.Empty);
        Compare(
            failures,
            "recipient_told",
            expect.RecipientTold is { } told ? Names(told.Select(kv => $"{Vocabularies.Categories.NameOf(kv.Key)}={kv.Value}")) : null,
            Names(decision.Denials.Select(x => $"{Vocabularies.Categories.NameOf(x.Category)}={x.ForRecipient.ReasonCode}")));
        Compare(failures, "recipient_reason_code", expect.RecipientReasonCode, decision.RecipientReasonCode);
        return new BundleTestResult(testCase, failures);
    }

    /// <summary>The request a test case describes, as a host would send it.</summary>
    public static DecideRequest RequestOf(TestRequestDefinition request)
    {
        var decide = new DecideRequest
        {
            HolderOrganisationId = request.Holder,
            // A pull is asked by a professional; a push or a lookup is made by the exchange for an organisation.
            Recipient = new Actor { OrganisationId = request.Recipient, Role = request.Role, ProfessionalId = request.Kind == DisclosureKind.Pull ? "bundle-test" : string.Empty },
            Subjects = { new SubjectRef { Pseudonym = "bundle-test-subject" } },
            Purpose = request.Purpose,
            LegalBasis = request.LegalBasis.Length > 0 ? new LegalBasisRef { Id = request.LegalBasis } : null,
            Categories = { request.Categories },
            Kind = request.Kind,
            JointSession = request.JointSession,
        };
        if (request.BreakGlassJustification is { } justification)
        {
            decide.BreakGlass = new BreakGlass { Justification = justification };
        }

        return decide;
    }

    /// <summary>The facts a test case states, with the partners' domains from the bundle's partner list.</summary>
    public static DecisionFacts FactsOf(CompiledBundle bundle, BundleTestCase testCase) => new(
        bundle.DomainOf(testCase.Request.Holder),
        bundle.DomainOf(testCase.Request.Recipient),
        testCase.Facts.Involved,
        testCase.Facts.CaseConference,
        testCase.Facts.ViolenceType,
        testCase.Facts.ActingForOtherParent,
        testCase.Facts.InvolvedWithAllegedPerpetrator,
        testCase.Facts.InvolvedWithVictim);

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal));

    private static void Compare(List<string> failures, string what, string? expected, string actual)
    {
        if (expected is not null && expected != actual)
        {
            failures.Add($"{what}: expected [{expected}], got [{actual}]");
        }
    }
}
