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
            case EntryKind.RegistryChange:
                Require(entry.RegistryChange is { PartnerId.Length: > 0 }, "registry_change.partner_id", "A registry change names the partner.");
                Require(entry.RegistryChange!.Action != Contracts.Registry.V1.PartnerAction.Unspecified, "registry_change.action", "A registry change says what changed.");
                Require(entry.Requester is { ProfessionalId.Length: > 0 }, "requester.professional_id", "A registry change names the administrator who made it.");
                break;
            default:
                break;
        }

        if (entry.Kind is EntryKind.Release or EntryKind.Review or EntryKind.AccessReportWithholding)
        {
            Require(entry.HasConcernsSequence, "concerns_sequence", "The entry must name the entry it concerns.");
        }

        // An entry can only concern one that is already durable.
        Require(!entry.HasConcernsSequence || entry.ConcernsSequence < currentSize, "concerns_sequence",
            "The entry concerned is not in the ledger.");
    }
}
