using Exchange.Contracts.Ledger;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Replay;
using Exchange.Policy.Tests.Support;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Policy.Tests.Replay;

public sealed class DecisionReplayTests
{
    private static readonly CompiledBundle IncidentOnly = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("police-to-vt", categories: "INCIDENT")));
    private static readonly CompiledBundle IncidentAndSafety = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("police-to-vt", categories: "INCIDENT, SAFETY")));

    [Fact]
    public void The_bundle_that_decided_changes_none_of_its_own_decisions()
    {
        var ledger = Record(IncidentOnly, Push("leo", "nora"));

        var report = DecisionReplay.Run(IncidentOnly, DecisionReplay.FromLedger(ledger, out var withoutFacts));

        Assert.Equal(0, withoutFacts);
        Assert.Equal(1, report.Replayed);
        Assert.Empty(report.Changes);
    }

    [Fact]
    public void A_candidate_that_releases_more_shows_the_decision_that_changes_and_how_per_pair_and_rule()
    {
        var ledger = Record(IncidentOnly, Push("leo", "nora"));

        var report = DecisionReplay.Run(IncidentAndSafety, DecisionReplay.FromLedger(ledger, out _));

        var change = Assert.Single(report.Changes);
        Assert.Equal(["leo", "nora"], change.Recorded.Request.Subjects.Select(s => s.Pseudonym));
        Assert.Equal((Decision.PartialPermit, Decision.Permit), (change.Recorded.Outcome.Decision, change.Replayed!.Decision));
        Assert.Equal([DataCategory.Safety], change.ReleasedAdded);
        Assert.Empty(change.ReleasedRemoved);
        Assert.Equal(("police", "vt"), Assert.Single(report.ByPair).Key);
        Assert.Equal("police-to-vt", Assert.Single(report.ByRule).Key);
    }

    [Fact]
    public void A_decision_is_replayed_at_its_own_moment_so_a_covenant_then_in_force_still_counts()
    {
        var covenant = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("conference", more: "when: {agreement: covenant}")));
        var recordedAt = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

        var report = DecisionReplay.Run(covenant, DecisionReplay.FromLedger(Record(covenant, Push("leo"), recordedAt), out _));

        Assert.Empty(report.Changes);
    }

    [Fact]
    public void A_candidate_that_no_longer_knows_the_cited_basis_refuses_the_request_and_says_so()
    {
        var request = Push("nora");
        request.LegalBasis = new LegalBasisRef { Id = "basis-a" };
        var candidate = Engine.Bundle.BundleLoader.Load(Engine.Bundle.BundleSource.FromTexts(
            ("base.yaml", TestBundle.Base.Replace("legal_bases:\n  - id: basis-a", "legal_bases:\n  - id: basis-z", StringComparison.Ordinal)))).Bundle!;

        var report = DecisionReplay.Run(candidate, DecisionReplay.FromLedger(Record(IncidentOnly, request), out _));

        var change = Assert.Single(report.Changes);
        Assert.Null(change.Replayed);
        Assert.Contains("legal_basis.id", change.Refused, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decision_recorded_without_its_facts_is_counted_not_replayed()
    {
        var ledger = Record(IncidentOnly, Push("leo"));
        foreach (var entry in ledger)
        {
            entry.Facts = null;
        }

        var decisions = DecisionReplay.FromLedger(ledger, out var withoutFacts);

        Assert.Empty(decisions);
        Assert.Equal(1, withoutFacts);
    }

    /// <summary>A decision's DECISION entries as the policy service writes them, one per subject.</summary>
    internal static List<LedgerEntry> Record(CompiledBundle bundle, DecideRequest request, DateTimeOffset? at = null)
    {
        var facts = Requests.PoliceToVt(involved: true);
        var response = new DecideResponse { DecisionId = Guid.NewGuid().ToString() };
        PolicyEvaluatorAccess.Decide(bundle, request, facts, at ?? Requests.Now).CopyTo(response);
        var entries = DisclosureEntries.Decisions(request, response, facts.ToContract(), "trace");
        foreach (var entry in entries)
        {
            entry.RecordedAt = Timestamp.FromDateTimeOffset(at ?? Requests.Now);
        }

        return entries;
    }

    internal static DecideRequest Push(params string[] subjects)
    {
        var request = new DecideRequest
        {
            HolderOrganisationId = "police",
            Recipient = new Actor { OrganisationId = "vt" },
            Purpose = Purpose.SafetyAssessment,
            Categories = { DataCategory.Incident, DataCategory.Safety },
            Kind = DisclosureKind.Push,
        };
        request.Subjects.AddRange(subjects.Select(s => new SubjectRef { Pseudonym = s }));
        return request;
    }
}
