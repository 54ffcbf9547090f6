using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Google.Protobuf;

namespace Exchange.Contracts.Ledger;

/// <summary>
/// The one shape of a disclosure's ledger entries: the policy service writes the decision entries, the holder's
/// service the release entries, both from the same request and decision, so every entry of a disclosure names the
/// same requester, holder, purpose, legal basis, decision and bundle. And back: the request of a recorded decision.
/// </summary>
public static class DisclosureEntries
{
    /// <summary>One DECISION entry per subject, with what the decision rested on.</summary>
    public static List<LedgerEntry> Decisions(DecideRequest request, DecideResponse decision, ResolvedFacts facts, string traceId)
    {
        var reviewRequired = decision.Obligations.Any(o => o.Kind == ObligationKind.ReviewRequired);
        var entries = new List<LedgerEntry>(request.Subjects.Count);
        foreach (var subject in request.Subjects)
        {
            var entry = Common(EntryKind.Decision, request, decision, subject.Pseudonym, traceId);
            entry.Requested.AddRange(request.Categories);
            entry.Denied.AddRange(decision.Denied);
            entry.RuleIds.AddRange(decision.RuleIds);
            entry.Obligations.AddRange(decision.Obligations);
            entry.BreakGlassJustification = request.BreakGlass?.Justification ?? string.Empty;
            entry.ReviewState = reviewRequired ? ReviewState.Pending : ReviewState.NotRequired;
            entry.ReasonCode = decision.ReasonCode;
            entry.Facts = facts;
            entry.JointSession = request.JointSession;
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>One RELEASE entry per subject, each concerning that subject's decision entry, with the digest of what left.</summary>
    public static List<LedgerEntry> Releases(DecideRequest request, DecideResponse decision, ByteString releasedPayloadDigest, string traceId)
    {
        var entries = new List<LedgerEntry>(request.Subjects.Count);
        for (var i = 0; i < request.Subjects.Count; i++)
        {
            var entry = Common(EntryKind.Release, request, decision, request.Subjects[i].Pseudonym, traceId);
            entry.ReleasedPayloadDigest = releasedPayloadDigest;
            if (i < decision.LedgerSequences.Count)
            {
                entry.ConcernsSequence = decision.LedgerSequences[i];
            }

            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>
    /// The request a decision was made on, from its DECISION entries (one per subject, in ledger order): what a
    /// replay decides again. The legal basis is left empty when the policy chose it, so that a replay chooses too.
    /// </summary>
    public static DecideRequest RequestOf(IReadOnlyList<LedgerEntry> decisionEntries)
    {
        var first = decisionEntries[0];
        var request = new DecideRequest
        {
            HolderOrganisationId = first.HolderOrganisationId,
            Recipient = first.Requester?.Clone(),
            Purpose = first.Purpose,
            LegalBasis = first.LegalBasisChosen || first.LegalBasisId.Length == 0 ? null : new LegalBasisRef { Id = first.LegalBasisId },
            Kind = first.DisclosureKind,
            JointSession = first.JointSession,
            SignalId = first.SignalId,
        };
        request.Subjects.AddRange(decisionEntries.Select(e => new SubjectRef { Pseudonym = e.SubjectPseudonym }));
        request.Categories.AddRange(first.Requested);
        if (first.BreakGlassJustification.Length > 0)
        {
            request.BreakGlass = new BreakGlass { Justification = first.BreakGlassJustification };
        }

        return request;
    }

    private static LedgerEntry Common(EntryKind kind, DecideRequest request, DecideResponse decision, string subject, string traceId)
    {
        var entry = new LedgerEntry
        {
            Kind = kind,
            TraceId = traceId,
            DecisionId = decision.DecisionId,
            Requester = request.Recipient,
            HolderOrganisationId = request.HolderOrganisationId,
            SubjectPseudonym = subject,
            Purpose = request.Purpose,
            LegalBasisId = decision.LegalBasis?.Id ?? request.LegalBasis?.Id ?? string.Empty,
            LegalBasisChosen = decision.LegalBasisChosen,
            Decision = decision.Decision,
            BundleId = decision.BundleId,
            BundleHash = decision.BundleHash,
            DisclosureKind = request.Kind,
            SignalId = request.SignalId,
        };
        entry.Released.AddRange(decision.Released);
        return entry;
    }
}
