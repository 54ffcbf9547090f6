using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Entries;

namespace Exchange.Ledger.Storage;

/// <summary>
/// The values of an entry that are stored in their own indexed columns for review queries. They
/// are derived from the canonical bytes, never the other way round; the verifier recomputes them
/// so that an edit of a column alone (which would falsify every query) is caught too.
/// </summary>
public readonly record struct EntryColumns(
    long RecordedAtMicros,
    int Kind,
    string DecisionId,
    string HolderOrganisationId,
    string RecipientOrganisationId,
    string SubjectPseudonym,
    int Purpose,
    string LegalBasisId,
    int Decision,
    bool BreakGlass,
    int ReviewState,
    long? ConcernsSequence,
    int? ReviewVerdict)
{
    public static EntryColumns From(LedgerEntry entry) => new(
        entry.RecordedAt is null ? 0 : LedgerTime.ToUnixMicroseconds(entry.RecordedAt),
        (int)entry.Kind,
        entry.DecisionId,
        entry.HolderOrganisationId,
        entry.Requester?.OrganisationId ?? string.Empty,
        entry.SubjectPseudonym,
        (int)entry.Purpose,
        entry.LegalBasisId,
        (int)entry.Decision,
        entry.BreakGlassJustification.Length > 0,
        (int)entry.ReviewState,
        entry.HasConcernsSequence ? checked((long)entry.ConcernsSequence) : null,
        entry.Kind == EntryKind.Review && entry.Review is not null ? (int)entry.Review.Verdict : null);
}

/// <summary>One row of the ledger as stored: the canonical bytes, their leaf hash and the indexed columns.</summary>
public sealed record StoredEntry(ulong Sequence, byte[] Canonical, byte[] LeafHash, EntryColumns Columns);
