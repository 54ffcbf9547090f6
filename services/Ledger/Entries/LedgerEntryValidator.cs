using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;

namespace Exchange.Ledger.Entries;

/// <summary>
/// Checks entries before they are queued and returns canonical copies, so that the caller's objects
/// are never changed and nothing incomplete becomes permanent: a ledger entry cannot be corrected later.
/// </summary>
public static class LedgerEntryValidator
{
    public static LedgerEntry[] Prepare(IReadOnlyList<LedgerEntry> entries, ulong currentSize, int maxEntries)
    {
        if (entries.Count == 0)
        {
            throw new LedgerEntryException("entries", "At least one entry is required.");
        }

        if (entries.Count > maxEntries)
        {
            throw new LedgerEntryException("entries", $"At most {maxEntries} entries may be appended at once.");
        }

        var result = new LedgerEntry[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = LedgerEntryCodec.Canonicalize(entries[i] ?? throw new LedgerEntryException($"entries[{i}]", "An entry is null.")).Entry;
            Validate(entry, $"entries[{i}]", currentSize);
            result[i] = entry;
        }

        return result;
    }

    /// <summary>A privacy officer as an entry names them: organisation and user id.</summary>
    private static void RequireOfficer(Actor? officer, string field, Action<bool, string, string> require)
    {
        require(officer is { OrganisationId.Length: > 0 }, field + ".organisation_id", "The officer's organisation is required.");
        require(officer!.ProfessionalId.Length > 0, field + ".professional_id", "The officer's user id is required.");
    }

    private static void Validate(LedgerEntry entry, string path, ulong currentSize)
    {
        void Require(bool condition, string field, string description)
        {
            if (!condition)
            {
                throw new LedgerEntryException($"{path}.{field}", description);
            }
        }

        Require(entry.Kind != EntryKind.Unspecified, "kind", "The entry kind is required.");
        switch (entry.Kind)
        {
            case EntryKind.Decision:
                Require(entry.DecisionId.Length > 0, "decision_id", "A decision entry names its decision.");
                Require(entry.Decision != Decision.Unspecified, "decision", "A decision entry records the decision.");
                Require(entry.SubjectPseudonym.Length > 0, "subject_pseudonym", "A decision entry is about one subject.");
                Require(entry.HolderOrganisationId.Length > 0, "holder_organisation_id", "A decision entry names the holder.");
                Require(entry.Requester is { OrganisationId.Length: > 0 }, "requester.organisation_id", "A decision entry names the recipient.");
                Require(entry.Purpose != Purpose.Unspecified, "purpose", "A decision entry records the purpose.");
                break;
            case EntryKind.Release:
                Require(entry.ReleasedPayloadDigest.Length == 32, "released_payload_digest", "A release carries the SHA-256 of what left.");
                break;
            case EntryKind.Review:
                Require(entry.Review is { Verdict: ReviewState.Approved or ReviewState.Rejected }, "review.verdict",
                    "A review approves or rejects.");
                Require(entry.Review!.Reviewer is { OrganisationId.Length: > 0 }, "review.reviewer.organisation_id",
                    "A review names the reviewing organisation.");
                break;
            case EntryKind.OfficerRead:
                RequireOfficer(entry.Requester, "requester", Require);
                Require(entry.OfficerRead is { Purpose: not OfficerReadPurpose.Unspecified }, "officer_read.purpose",
                    "An officer's read records why.");
                Require(entry.OfficerRead!.View != ReadView.Unspecified, "officer_read.view", "An officer's read records where it was made.");
                break;
            case EntryKind.AccessReportWithholding:
                RequireOfficer(entry.Requester, "requester", Require);
                Require(entry.SubjectPseudonym.Length > 0, "subject_pseudonym", "A withholding is about one subject.");
                Require(entry.Withholding is { Ground.Length: > 0, Reasoning.Length: > 0 }, "withholding",
                    "A withholding records its ground and reasoning.");
                Require(entry.Withholding!.RecipientOrganisationIds.Count > 0, "withholding.recipient_organisation_ids",
                    "A withholding names the recipients withheld.");
                Require(entry.Withholding.ReviewOn is not null, "withholding.review_on", "A withholding has a review date.");
                break;
            case EntryKind.ListReview:
                RequireOfficer(entry.Review?.Reviewer, "review.reviewer", Require);
                Require(entry.ReviewList.Length > 0, "review_list", "A list review names its list.");
                break;
            case EntryKind.SignalReview:
                RequireOfficer(entry.Review?.Reviewer, "review.reviewer", Require);
                Require(entry.SignalReview is { SignalId.Length: > 0, EvidenceSequences.Count: > 0 }, "signal_review",
                    "A signal review names the signal and the entries behind it.");
                Require(entry.SignalReview!.EvidenceSequences.All(s => s < currentSize), "signal_review.evidence_sequences",
                    "An entry behind the signal is not in the ledger.");
                break;
            case EntryKind.HolderDecision:
                Require(entry.HolderDecisionId.Length > 0, "holder_decision_id", "A holder's decision names the request it decided.");
                Require(entry.DecidedBy is { OrganisationId.Length: > 0 }, "decided_by.organisation_id", "A holder's decision names who decided.");
                Require(entry.Decision is Decision.Permit or Decision.Deny, "decision", "A holder's decision approves or declines.");
                break;
            case EntryKind.RegistryChange:
                Require(entry.RegistryChange is { PartnerId.Length: > 0 }, "registry_change.partner_id", "A registry change names the partner.");
                Require(entry.RegistryChange!.Action != Contracts.Registry.V1.PartnerAction.Unspecified, "registry_change.action", "A registry change says what changed.");
                Require(entry.Requester is { ProfessionalId.Length: > 0 }, "requester.professional_id", "A registry change names the administrator who made it.");
                break;
            default:
                break;
        }

        if (entry.Kind is EntryKind.Release or EntryKind.Review or EntryKind.AccessReportWithholding or EntryKind.ListReview or EntryKind.HolderDecision)
        {
            Require(entry.HasConcernsSequence, "concerns_sequence", "The entry must name the entry it concerns.");
        }

        // An officer's entry names the officer's organisation as holder: it is their organisation's record.
        if (entry.Kind is EntryKind.OfficerRead or EntryKind.AccessReportWithholding or EntryKind.ListReview or EntryKind.SignalReview)
        {
            Require(entry.HolderOrganisationId.Length > 0, "holder_organisation_id", "An officer's entry names the officer's organisation.");
        }

        // An entry can only concern one that is already durable.
        Require(!entry.HasConcernsSequence || entry.ConcernsSequence < currentSize, "concerns_sequence",
            "The entry concerned is not in the ledger.");
    }
}
