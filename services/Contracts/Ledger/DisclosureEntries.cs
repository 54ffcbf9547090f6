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
            entry.AwaitingHolder.AddRange(decision.AwaitingHolder);
            entry.HolderDecisionReason = request.HolderDecision?.Reason ?? string.Empty;
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

        // A request a professional of the holder approved is replayed as approved; a push, as published by them.
        if (first.DecidedBy is { } decidedBy && first.DisclosureKind == DisclosureKind.Pull && first.HolderDecisionReason.Length > 0)
        {
            request.HolderDecision = new HolderDecision { HolderDecisionId = first.HolderDecisionId, DecidedBy = decidedBy.Clone(), Reason = first.HolderDecisionReason };
        }
        else if (first.DecidedBy is { } publishedBy && first.DisclosureKind == DisclosureKind.Push)
        {
            request.PublishedBy = publishedBy.Clone();
        }

        return request;
    }

    /// <summary>
    /// One HOLDER_DECISION entry per subject: a professional of the holder approved or declined a request the
    /// policy left to the holder, or it expired undecided (<paramref name="decidedBy"/> then names the holder only).
    /// Each concerns that subject's decision entry; <paramref name="categories"/> are what was approved, or what
    /// waited. The entry names the request, the basis (a right the holder weighs), who decided and why.
    /// </summary>
    public static List<LedgerEntry> HolderDecisions(
        HolderDecisionRecord pending, string reasonCode, Actor decidedBy, string reason, IEnumerable<DataCategory> categories, string traceId)
    {
        var approved = reasonCode == HolderApproved;
        var entries = new List<LedgerEntry>(pending.Subjects.Count);
        for (var i = 0; i < pending.Subjects.Count; i++)
        {
            var entry = new LedgerEntry
            {
                Kind = EntryKind.HolderDecision,
                TraceId = traceId,
                DecisionId = pending.HolderDecisionId,
                HolderDecisionId = pending.HolderDecisionId,
                Requester = pending.Requester,
                HolderOrganisationId = pending.Holder,
                SubjectPseudonym = pending.Subjects[i],
                Purpose = pending.Purpose,
                LegalBasisId = pending.LegalBasisId,
                Decision = approved ? Decision.Permit : Decision.Deny,
                ReasonCode = reasonCode,
                DecidedBy = decidedBy,
                HolderDecisionReason = reason,
                BasisWeighedByHolder = true,
                DisclosureKind = DisclosureKind.Pull,
            };
            entry.Requested.AddRange(pending.Awaiting);
            if (approved)
            {
                entry.Released.AddRange(categories);
            }

            if (i < pending.LedgerSequences.Count)
            {
                entry.ConcernsSequence = pending.LedgerSequences[i];
            }

            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>A professional of the holder approved the request.</summary>
    public const string HolderApproved = "HOLDER_APPROVED";

    /// <summary>A professional of the holder declined the request: nothing was released.</summary>
    public const string HolderDeclined = "HOLDER_DECLINED";

    /// <summary>No professional of the holder decided the request in time: nothing was released.</summary>
    public const string HolderDecisionExpired = "HOLDER_DECISION_EXPIRED";

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
            DecidedBy = decision.DecidedBy,
            BasisWeighedByHolder = decision.BasisWeighedByHolder,
            HolderDecisionId = request.HolderDecision?.HolderDecisionId
                ?? (decision.Decision == Decision.HolderDecisionRequired ? decision.DecisionId : string.Empty),
        };
        entry.Released.AddRange(decision.Released);
        return entry;
    }
}

/// <summary>What the ledger entries of a holder's decision need to know of the request it decided.</summary>
public sealed record HolderDecisionRecord(
    string HolderDecisionId,
    string Holder,
    Actor Requester,
    IReadOnlyList<string> Subjects,
    Purpose Purpose,
    string LegalBasisId,
    IReadOnlyList<DataCategory> Awaiting,
    IReadOnlyList<ulong> LedgerSequences);
