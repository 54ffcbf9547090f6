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

/// <summary>
/// A checkpoint kept outside the ledger's database (from a receipt, a witness, an earlier export), and where it
/// came from, for the report.
/// </summary>
public sealed record TrustedCheckpoint(string Source, string Note);

/// <summary>What a verification checks besides the ledger's own content.</summary>
/// <param name="Trusted">Checkpoints held elsewhere: the ledger must contain each one's tree exactly.</param>
/// <param name="AllowUnsigned">
/// Accept entries that no signed checkpoint covers (a ledger without checkpoints, or entries after its latest).
/// Every commit stores a signed head, so such entries were not written by the ledger; off by default.
/// </param>
public sealed record VerificationOptions(IReadOnlyList<TrustedCheckpoint> Trusted, bool AllowUnsigned = false)
{
    public static readonly VerificationOptions Default = new([]);
}

/// <summary>The outcome of a verification. <see cref="FirstBadSequence"/> names the first entry that does not verify.</summary>
/// <param name="CoveredEntries">How many entries, from the first, a verified signed checkpoint covers.</param>
public sealed record VerificationReport(
    bool Succeeded,
    ulong EntriesVerified,
    int CheckpointsVerified,
    ulong? LatestCheckpointSize,
    byte[] RootHash,
    ulong? FirstBadSequence,
    string? Failure,
    int TrustedCheckpointsVerified = 0,
    ulong CoveredEntries = 0);

/// <summary>
/// Recomputes every leaf, the tree, and each signed checkpoint, using only the public key, so it runs
/// the same on a live store and offline on an export. Per entry it checks that the row is where its
/// own bytes say it is (catches deleted, inserted and swapped rows), that the bytes are a canonical
/// entry, that the stored leaf hash and indexed columns match them (catches an edit of either alone),
/// and at every checkpoint size, the ledger's own and those held elsewhere, that the recomputed root is
/// the signed one (catches a rewrite that kept everything self-consistent, located to the entries after
/// the last checkpoint that still matched, and a tail cut off with its checkpoints, named by its first
/// missing entry). With every entry at hand, recomputing the root at a trusted checkpoint's size is what
/// an RFC 6962 consistency proof from that checkpoint would show, and more: it says where the histories
/// part. Entries no signed checkpoint covers fail unless allowed. Streams: memory is O(log n).
/// </summary>
public sealed class LedgerVerifier(NoteVerifier verifier)
{
    public Task<VerificationReport> VerifyAsync(
        IAsyncEnumerable<VerifiableEntry> entries, IReadOnlyList<string> checkpointNotes, CancellationToken cancellationToken) =>
        VerifyAsync(entries, checkpointNotes, VerificationOptions.Default, cancellationToken);

    public async Task<VerificationReport> VerifyAsync(
        IAsyncEnumerable<VerifiableEntry> entries, IReadOnlyList<string> checkpointNotes, VerificationOptions options,
        CancellationToken cancellationToken)
    {
        var checkpoints = new List<Expected>(checkpointNotes.Count + options.Trusted.Count);
        foreach (var trusted in options.Trusted)
        {
            var checkpoint = SignedCheckpoint.Open(trusted.Note, verifier, out var failure);
            if (checkpoint is null)
            {
                return Fail(null, 0, null, $"the trusted checkpoint {trusted.Source} does not verify with the ledger's public key: {failure}", 0, 0);
            }

            checkpoints.Add(new Expected(checkpoint, trusted.Source));
        }

        // The head is usually also the latest stored checkpoint: the same note counts once.
        foreach (var note in checkpointNotes.Distinct(StringComparer.Ordinal))
        {
            var checkpoint = SignedCheckpoint.Open(note, verifier, out var failure);
            if (checkpoint is null)
            {
                return Fail(null, 0, null, $"a stored checkpoint does not verify: {failure}", 0, 0);
            }

            checkpoints.Add(new Expected(checkpoint, null));
        }

        // By size; at one size the trusted ones first, so a disagreement is reported against outside evidence.
        checkpoints.Sort((a, b) => a.Checkpoint.TreeSize != b.Checkpoint.TreeSize
            ? a.Checkpoint.TreeSize.CompareTo(b.Checkpoint.TreeSize)
            : (b.Source is not null).CompareTo(a.Source is not null));
        var frontier = new MerkleFrontier();
        var next = 0;
        ulong lastMatched = 0;
        // A trusted checkpoint that fails is placed after the last trusted one that matched: the point of checkpoints
        // held elsewhere is not to rely on the ledger's own signatures, which whoever holds its key can remake.
        ulong lastTrustedMatched = 0;
        var verified = 0;
        var trustedVerified = 0;
        ulong failedFrom = 0;

        string? CheckCheckpointsAtCurrentSize()
        {
            var root = frontier.Root();
            while (next < checkpoints.Count && checkpoints[next].Checkpoint.TreeSize == frontier.Size)
            {
                if (!root.AsSpan().SequenceEqual(checkpoints[next].Checkpoint.RootHash))
                {
                    failedFrom = checkpoints[next].Source is null ? lastMatched : lastTrustedMatched;
                    return $"the entries from {failedFrom} to {frontier.Size - 1} do not hash to the root of {checkpoints[next].Describe()}";
                }

                lastMatched = frontier.Size;
                if (checkpoints[next].Source is null)
                {
                    verified++;
                }
                else
                {
                    lastTrustedMatched = frontier.Size;
                    trustedVerified++;
                }

                next++;
            }

            return null;
        }

        if (CheckCheckpointsAtCurrentSize() is { } emptyFailure)
        {
            return Fail(0, 0, lastMatched, emptyFailure, verified, trustedVerified);
        }

        await foreach (var row in entries.WithCancellation(cancellationToken))
        {
            var expected = frontier.Size;
            if (CheckEntry(row, expected) is { } entryFailure)
            {
                var bad = row.Sequence >= 0 && (ulong)row.Sequence < expected ? (ulong)row.Sequence : expected;
                return Fail(bad, expected, LatestSize(checkpoints, next), entryFailure, verified, trustedVerified);
            }

            frontier.Append(row.StoredLeafHash ?? MerkleHash.Leaf(row.Entry));
            if (CheckCheckpointsAtCurrentSize() is { } rootFailure)
            {
                return Fail(failedFrom, frontier.Size, LatestSize(checkpoints, next), rootFailure, verified, trustedVerified);
            }
        }

        if (next < checkpoints.Count)
        {
            return Fail(frontier.Size, frontier.Size, LatestSize(checkpoints, next),
                $"it is missing, but {checkpoints[next].Describe()} includes it", verified, trustedVerified);
        }

        if (lastMatched < frontier.Size && !options.AllowUnsigned)
        {
            return Fail(lastMatched, frontier.Size, LatestSize(checkpoints, next), checkpoints.Count == 0
                ? "no signed checkpoint covers it: the ledger has no checkpoints, so nothing vouches for its entries (--allow-unsigned accepts that knowingly)"
                : $"no signed checkpoint covers it (the latest covers {lastMatched} entries); the ledger signs every commit, so the "
                    + "entries after it were not written by the ledger (--allow-unsigned accepts them knowingly)",
                verified, trustedVerified);
        }

        return new VerificationReport(true, frontier.Size, verified, LatestSize(checkpoints, next), frontier.Root(), null, null,
            trustedVerified, lastMatched);
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

    private static ulong? LatestSize(List<Expected> checkpoints, int verifiedCount) =>
        verifiedCount > 0 ? checkpoints[verifiedCount - 1].Checkpoint.TreeSize : null;

    private static VerificationReport Fail(
        ulong? bad, ulong entriesVerified, ulong? latestCheckpoint, string failure, int checkpointsVerified, int trustedVerified) =>
        new(false, entriesVerified, checkpointsVerified, latestCheckpoint, [], bad, failure, trustedVerified, latestCheckpoint ?? 0);

    /// <summary>A checkpoint the recomputed tree must match: the ledger's own (no source) or one held elsewhere.</summary>
    private sealed record Expected(SignedCheckpoint Checkpoint, string? Source)
    {
        public string Describe() => Source is null
            ? FormattableString.Invariant($"the signed checkpoint for tree size {Checkpoint.TreeSize}")
            : FormattableString.Invariant($"the trusted checkpoint for tree size {Checkpoint.TreeSize} ({Source})");
    }

    /// <summary>The rows of a live store, page by page, in sequence order.</summary>
    public static IAsyncEnumerable<VerifiableEntry> ReadStore(ILedgerStore store, CancellationToken cancellationToken) =>
        ReadStore(store, long.MaxValue, cancellationToken);

    /// <summary>The rows of a live store up to sequence <paramref name="through"/>, page by page, in sequence order.</summary>
    public static async IAsyncEnumerable<VerifiableEntry> ReadStore(
        ILedgerStore store, long through, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int PageSize = 10_000;
        var from = 0UL;
        while (true)
        {
            var rows = await store.ReadRowsAsync(from, PageSize, cancellationToken);
            foreach (var row in rows)
            {
                if (row.Sequence > through)
                {
                    yield break;
                }

                yield return new VerifiableEntry(row.Sequence, row.Entry, row.LeafHash, row.Columns);
            }

            if (rows.Count < PageSize)
            {
                yield break;
            }

            from = (ulong)rows[^1].Sequence + 1;
        }
    }

    /// <summary>
    /// What a live store holds at one moment, for a verification or an export while the ledger keeps appending:
    /// its checkpoints (read first, so none counts entries the snapshot lacks), the entries up to the snapshot's
    /// highest sequence, and the signed head of that moment among the checkpoint notes.
    /// </summary>
    public static async Task<StoreContents> ReadContentsAsync(ILedgerStore store, CancellationToken cancellationToken)
    {
        var notes = (await store.ReadCheckpointsAsync(cancellationToken)).Select(c => c.Note).ToList();
        var snapshot = await store.ReadSnapshotAsync(cancellationToken);
        if (snapshot.Head is { } head)
        {
            notes.Add(head.Note);
        }

        return new StoreContents(notes, snapshot.EntryCount, snapshot.LastSequence ?? -1);
    }

    /// <summary>Verifies a live store against <paramref name="verifierKey"/> (default: the key the store recorded at first start).</summary>
    public static Task<VerificationReport> VerifyStoreAsync(ILedgerStore store, string? verifierKey, CancellationToken cancellationToken) =>
        VerifyStoreAsync(store, verifierKey, VerificationOptions.Default, cancellationToken);

    public static async Task<VerificationReport> VerifyStoreAsync(
        ILedgerStore store, string? verifierKey, VerificationOptions options, CancellationToken cancellationToken,
        Func<IAsyncEnumerable<VerifiableEntry>, IAsyncEnumerable<VerifiableEntry>>? observe = null)
    {
        var key = verifierKey ?? await store.GetMetadataAsync(LedgerMetadata.VerifierKey, cancellationToken)
            ?? throw new InvalidOperationException("The store records no verifier key; pass the public key.");
        var contents = await ReadContentsAsync(store, cancellationToken);
        var rows = ReadStore(store, contents.LastSequence, cancellationToken);
        return await new LedgerVerifier(NoteVerifier.Parse(key))
            .VerifyAsync(observe is null ? rows : observe(rows), contents.CheckpointNotes, options, cancellationToken);
    }
}

/// <summary>A store's checkpoint notes (with its head) and the extent of its entries at one moment.</summary>
public sealed record StoreContents(IReadOnlyList<string> CheckpointNotes, ulong EntryCount, long LastSequence);
