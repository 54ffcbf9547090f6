using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Query;

namespace Exchange.Ledger;

/// <summary>The disclosure ledger as the policy host and the gRPC service use it.</summary>
public interface IDisclosureLedger
{
    /// <summary>The checkpoint origin and signing key name.</summary>
    string Origin { get; }

    /// <summary>The published verifier key: <c>name+keyid+base64(0x01||pubkey)</c>.</summary>
    string VerifierKey { get; }

    /// <summary>Number of durable entries (the tree size).</summary>
    ulong Size { get; }

    /// <summary>
    /// Appends entries (one per subject of a decision, or reviews) and returns their sequences, in
    /// order, only once they are durable on disk. The ledger assigns <c>sequence</c> and
    /// <c>recorded_at</c>; the caller's objects are not changed. Throws <see cref="LedgerEntryException"/>
    /// for an incomplete entry and <see cref="LedgerUnavailableException"/> when the entries could not be
    /// made durable: then nothing may be released.
    /// </summary>
    ValueTask<IReadOnlyList<ulong>> AppendAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="AppendAsync"/>, and with the sequences the evidence a receipt carries: the entries' leaf hashes
    /// and the signed checkpoint stored in the same transaction, whose tree includes them.
    /// </summary>
    ValueTask<LedgerAppend> AppendWithCheckpointAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken);

    /// <summary>A signed checkpoint for the current size: signed and stored now when the tree grew since the last.</summary>
    Task<SignedCheckpoint> CheckpointAsync(CancellationToken cancellationToken);

    /// <summary>RFC 6962 inclusion proof of <paramref name="sequence"/> in the tree of <paramref name="treeSize"/> (0: current size).</summary>
    InclusionProof ProveInclusion(ulong sequence, ulong treeSize);

    /// <summary>RFC 6962 consistency proof between two tree sizes (second 0: current size).</summary>
    IReadOnlyList<byte[]> ProveConsistency(ulong firstTreeSize, ulong secondTreeSize);

    /// <summary>Root hash of the durable tree at <paramref name="treeSize"/>.</summary>
    byte[] RootAt(ulong treeSize);

    /// <summary>Entries from <paramref name="fromSequence"/> with the exact bytes each leaf was hashed from.</summary>
    Task<IReadOnlyList<EncodedEntry>> ReadEntriesAsync(ulong fromSequence, int limit, CancellationToken cancellationToken);

    /// <summary>A page of review query results, oldest first, with keyset paging.</summary>
    Task<LedgerPage> QueryAsync(LedgerQuery query, CancellationToken cancellationToken);
}

public sealed record InclusionProof(ulong LeafIndex, ulong TreeSize, byte[] LeafHash, IReadOnlyList<byte[]> Hashes);

public sealed record EncodedEntry(LedgerEntry Entry, byte[] Encoded);

/// <summary>
/// A durable append: the sequences assigned, the RFC 6962 leaf hash of each entry, and the signed checkpoint (the
/// ledger's head after the commit) whose tree includes them. Kept outside the ledger's database (in receipts), the
/// checkpoint lets anyone show later that the ledger was not cut short or rewritten.
/// </summary>
public sealed record LedgerAppend(IReadOnlyList<ulong> Sequences, IReadOnlyList<byte[]> LeafHashes, SignedCheckpoint Checkpoint);
