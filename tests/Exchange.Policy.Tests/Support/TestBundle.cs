using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Testing;

namespace Exchange.Policy.Tests.Support;

/// <summary>
/// Small bundles written for one test: a fixed base (manifest, all purposes, two legal bases, partners, one
/// covenant) plus the rules, hard denials or test cases the test is about, in files of their own.
/// </summary>
internal static class TestBundle
{
    public const string Base = """
        bundle:
          id: test-bundle
          version: "1"
          tests_at: 2026-06-01T12:00:00Z
          special_categories: [HEALTH, CRIMINAL]
        purposes:
          - {id: SAFETY_ASSESSMENT, title: Is it safe enough?}
          - {id: ACUTE_SAFETY, title: Acute}
          - {id: PROBLEM_ANALYSIS, title: What is going on?}
          - {id: RECOVERY_PLANNING, title: Recovery}
          - {id: CHILD_PROTECTION_INVESTIGATION, title: Investigation}
          - {id: CHILD_PROTECTION_MEASURE, title: Measure}
          - {id: CASE_CONFERENCE, title: Case conference}
          - {id: COORDINATION, title: Coordination}
        legal_bases:
          - id: basis-a
            law: Test law A
            article: art. 1
            summary: Wide basis for tests.
            holder_domains: [POLICE, VEILIG_THUIS, CHILD_PROTECTION, SOCIAL_TEAM]
            purposes: [SAFETY_ASSESSMENT, ACUTE_SAFETY, CASE_CONFERENCE, RECOVERY_PLANNING]
            categories: [INVOLVEMENT, CONTACT, CONFIDENTIAL_LOCATION, INCIDENT, SAFETY, MEASURE, STRENGTHS]
            special_categories: [HEALTH]
          - id: basis-b
            law: Test law B
            article: art. 2
            summary: Narrow basis for tests.
            holder_domains: [VEILIG_THUIS]
            purposes: [SAFETY_ASSESSMENT]
            categories: [SAFETY]
        partners:
          - {id: police, name: Police, domain: POLICE}
          - {id: vt, name: Veilig Thuis, domain: VEILIG_THUIS}
          - {id: social, name: Social team, domain: SOCIAL_TEAM}
          - {id: outsider, name: Social team elsewhere, domain: SOCIAL_TEAM}
        agreements:
          - id: covenant
            name: Test covenant
            partners: [police, vt, social]
            valid_from: 2025-01-01
            valid_to: 2027-01-01
        """;

    /// <summary>A rule every test may rely on: police to Veilig Thuis, INCIDENT and SAFETY, for SAFETY_ASSESSMENT.</summary>
    public const string PoliceToVtRule = """
        rules:
          - id: police-to-vt
            holder: [POLICE]
            recipient: [VEILIG_THUIS]
            purposes: [SAFETY_ASSESSMENT]
            legal_basis: basis-a
            categories: [INCIDENT, SAFETY]
        """;

    /// <summary>
    /// One rule in flow style, for a "rules:" file built by <see cref="Rules"/>. The defaults are the police to
    /// Veilig Thuis flow for SAFETY_ASSESSMENT under basis-a; <paramref name="more"/> adds keys, e.g. "when: {involved: true}".
    /// </summary>
    public static string Rule(
        string id,
        string categories = "INCIDENT",
        string holder = "POLICE",
        string recipient = "VEILIG_THUIS",
        string purposes = "SAFETY_ASSESSMENT",
        string basis = "basis-a",
        string more = "") =>
        $"  - {{id: {id}, holder: [{holder}], recipient: [{recipient}], purposes: [{purposes}], legal_basis: {basis}, categories: [{categories}]{(more.Length > 0 ? ", " + more : string.Empty)}}}\n";

    public static string Rules(params string[] rules) => "rules:\n" + string.Concat(rules);

    public static BundleSource Source(params string[] files) =>
        BundleSource.FromTexts([("base.yaml", Base), .. files.Select((text, i) => ($"part-{i}.yaml", text))]);

    public static BundleLoadResult Load(params string[] files) => BundleLoader.Load(Source(files));

    public static CompiledBundle Compile(params string[] files)
    {
        var result = Load(files);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        return result.Bundle!;
    }

    public static IReadOnlyList<BundleError> Errors(params string[] files)
    {
        var result = Load(files);
        Assert.False(result.Succeeded, "the bundle loaded, but it should have been rejected");
        return result.Errors;
    }
}

/// <summary>Requests and facts as a host would build them, with the test bundle's partner ids.</summary>
internal static class Requests
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static DecideRequest Decide(string holder, string recipient, Purpose purpose, string basis, params DataCategory[] categories) =>
        BundleTestRunner.RequestOf(new TestRequestDefinition(holder, recipient, "casemanager", purpose, basis, categories, DisclosureKind.Pull, null, false));

    public static DecisionFacts Facts(
        Domain holder,
        Domain recipient,
        bool involved = false,
        bool caseConference = false,
        ViolenceType violence = ViolenceType.Unspecified,
        bool otherParent = false,
        bool withPerpetrator = false,
        bool withVictim = false) => new(holder, recipient, involved, caseConference, violence, otherParent, withPerpetrator, withVictim);

    public static DecisionFacts PoliceToVt(bool involved = false) => Facts(Domain.Police, Domain.VeiligThuis, involved);

    public static DecideRequest PoliceToVtFor(Purpose purpose, params DataCategory[] categories) =>
        Decide("police", "vt", purpose, "basis-a", categories);
}
