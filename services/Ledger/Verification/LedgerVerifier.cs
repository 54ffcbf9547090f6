using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Entries;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Storage;

namespace Exchange.Ledger.Verification;

/// <summary>An entry to verify: its position, its stored bytes, and what the store claims about them.</summary>
/// <param name="StoredLeafHash">The leaf hash the store kept; null when the source has none.</param>
/// <param name="Columns">The indexed columns the store kept; null for an export, which has none.</param>
public sealed record VerifiableEntry(long Sequence, byte[] Entry, byte[]? StoredLeafHash, EntryColumns? Columns);

/// <summary>The outcome of a verification. <see cref="FirstBadSequence"/> names the first entry that does not verify.</summary>
public sealed record VerificationReport(
    bool Succeeded,
    ulong EntriesVerified,
    int CheckpointsVerified,
    ulong? LatestCheckpointSize,
    byte[] RootHash,
    ulong? FirstBadSequence,
    string? Failure);

/// <summary>
/// Recomputes every leaf, the tree, and each signed checkpoint, using only the public key, so it runs
/// the same on a live store and offline on an export. Per entry it checks that the row is where its
/// own bytes say it is (catches deleted, inserted and swapped rows), that the bytes are a canonical
/// entry, that the stored leaf hash and indexed columns match them (catches an edit of either alone),
/// and at every checkpoint size that the recomputed root is the signed one (catches a rewrite that
/// kept everything self-consistent; such a rewrite is located to the entries after the last
/// checkpoint that still matched). Streams: memory is O(log n).
/// </summary>
public sealed class LedgerVerifier(NoteVerifier verifier)
{
    public async Task<VerificationReport> VerifyAsync(
        IAsyncEnumerable<VerifiableEntry> entries, IReadOnlyList<string> checkpointNotes, CancellationToken cancellationToken)
    {
        var checkpoints = new List<SignedCheckpoint>(checkpointNotes.Count);
        foreach (var note in checkpointNotes)
        {
            var checkpoint = SignedCheckpoint.Open(note, verifier, out var failure);
            if (checkpoint is null)
            {
                return Fail(null, 0, null, $"a stored checkpoint does not verify: {failure}", 0);
            }

            checkpoints.Add(checkpoint);
        }

        checkpoints.Sort((a, b) => a.TreeSize.CompareTo(b.TreeSize));
        var frontier = new MerkleFrontier();
        var next = 0;
        ulong lastMatched = 0;
        var verified = 0;

        string? CheckCheckpointsAtCurrentSize()
        {
            var root = frontier.Root();
            while (next < checkpoints.Count && checkpoints[next].TreeSize == frontier.Size)
            {
                if (!root.AsSpan().SequenceEqual(checkpoints[next].RootHash))
                {
                    return $"the entries from {lastMatched} to {frontier.Size - 1} do not hash to the root of the signed checkpoint for tree size {frontier.Size}";
                }

                lastMatched = frontier.Size;
                verified++;
                next++;
            }

            return null;
        }

        if (CheckCheckpointsAtCurrentSize() is { } emptyFailure)
        {
            return Fail(0, 0, lastMatched, emptyFailure, verified);
        }

        await foreach (var row in entries.WithCancellation(cancellationToken))
        {
            var expected = frontier.Size;
            if (CheckEntry(row, expected) is { } entryFailure)
            {
                var bad = row.Sequence >= 0 && (ulong)row.Sequence < expected ? (ulong)row.Sequence : expected;
                return Fail(bad, expected, LatestSize(checkpoints, next), entryFailure, verified);
            }

            frontier.Append(row.StoredLeafHash ?? MerkleHash.Leaf(row.Entry));
            if (CheckCheckpointsAtCurrentSize() is { } rootFailure)
            {
                return Fail(lastMatched, frontier.Size, LatestSize(checkpoints, next), rootFailure, verified);
            }
        }

        if (next < checkpoints.Count)
        {
            return Fail(frontier.Size, frontier.Size, LatestSize(checkpoints, next),
                $"it is missing, but the signed checkpoint for tree size {checkpoints[next].TreeSize} includes it", verified);
        }

        return new VerificationReport(true, frontier.Size, verified, LatestSize(checkpoints, next), frontier.Root(), null, null);
    }

    private static string? CheckEntry(VerifiableEntry row, ulong expected)
    {
        if (row.Sequence != (long)expected)
        {
            return row.Sequence > (long)expected
                ? "it is missing (the next stored entry has a later sequence)"
                : $"the row is out of order (found at position {expected})";
        }

        if (!LedgerEntryCodec.IsCanonical(row.Entry, out var entry))
        {
            return "its stored bytes are not a canonically encoded ledger entry";
        }

        if (entry!.Sequence != expected)
        {
            return $"its hashed content says it is entry {entry.Sequence}";
        }

        var leaf = MerkleHash.Leaf(row.Entry);
        if (row.StoredLeafHash is not null && !leaf.AsSpan().SequenceEqual(row.StoredLeafHash))
        {
            return "its stored leaf hash does not match its content";
        }

        if (row.Columns is { } columns && columns != EntryColumns.From(entry))
        {
            return "its indexed columns differ from its hashed content";
        }

        if (entry.HasConcernsSequence && entry.ConcernsSequence >= entry.Sequence)
        {
            return "it concerns an entry that does not precede it";
        }

        if (entry.Kind == EntryKind.Unspecified || entry.RecordedAt is null)
        {
            return "it lacks its kind or time";
        }

        return null;
    }

    private static ulong? LatestSize(List<SignedCheckpoint> checkpoints, int verifiedCount) =>
        verifiedCount > 0 ? checkpoints[verifiedCount - 1].TreeSize : null;

    private static VerificationReport Fail(ulong? bad, ulong entriesVerified, ulong? latestCheckpoint, string failure, int checkpointsVerified) =>
        new(false, entriesVerified, checkpointsVerified, latestCheckpoint, [], bad, failure);

    /// <summary>The rows of a live store, page by page, in sequence order.</summary>
    public static async IAsyncEnumerable<VerifiableEntry> ReadStore(
        ILedgerStore store, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int PageSize = 10_000;
        var from = 0UL;
        while (true)
        {
            var rows = await store.ReadRowsAsync(from, PageSize, cancellationToken);
            foreach (var row in rows)
            {
                yield return new VerifiableEntry(row.Sequence, row.Entry, row.LeafHash, row.Columns);
            }

            if (rows.Count < PageSize)
            {
                yield break;
            }

            from = (ulong)rows[^1].Sequence + 1;
        }
    }

    /// <summary>Verifies a live store against <paramref name="verifierKey"/> (default: the key the store recorded at first start).</summary>
    public static async Task<VerificationReport> VerifyStoreAsync(ILedgerStore store, string? verifierKey, CancellationToken cancellationToken)
    {
        var key = verifierKey ?? await store.GetMetadataAsync(LedgerMetadata.VerifierKey, cancellationToken)
            ?? throw new InvalidOperationException("The store records no verifier key; pass the public key.");
        var checkpoints = await store.ReadCheckpointsAsync(cancellationToken);
        return await new LedgerVerifier(NoteVerifier.Parse(key))
            .VerifyAsync(ReadStore(store, cancellationToken), checkpoints.Select(c => c.Note).ToList(), cancellationToken);
    }
}
