using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Query;

namespace Exchange.Ledger.Storage;

/// <summary>
/// Where the ledger lives. One implementation per database; the writer serialises all writes, so
/// a store sees at most one <see cref="AppendAsync"/> or <see cref="AddCheckpointAsync"/> at a time.
/// </summary>
public interface ILedgerStore : IAsyncDisposable
{
    /// <summary>A description for operators and logs, without credentials.</summary>
    string Description { get; }

    /// <summary>Creates the schema when missing and opens the writer's connection.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes this process the store's only writer for as long as the store is open: sequences are
    /// assigned in memory, so a second writer would fork them. Throws <see cref="LedgerUnavailableException"/>
    /// when another ledger already writes to the store. Readers (export, verify) do not take it.
    /// </summary>
    Task AcquireWriterLockAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the entries and the signed checkpoint of the tree they complete (the ledger's head) in one
    /// transaction and returns only once it is durable on disk: no entry is ever stored without a signature
    /// that covers it.
    /// </summary>
    Task AppendAsync(IReadOnlyList<StoredEntry> entries, SignedCheckpoint head, CancellationToken cancellationToken);

    /// <summary>Persists a signed checkpoint durably.</summary>
    Task AddCheckpointAsync(SignedCheckpoint checkpoint, CancellationToken cancellationToken);

    Task<ulong> CountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The number of entries, the highest sequence and the signed head, read in one statement so that they
    /// agree with each other although the writer keeps appending.
    /// </summary>
    Task<StoreSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>The stored leaf hashes from <paramref name="fromSequence"/> on, in order: rebuilds the tree at start-up.</summary>
    IAsyncEnumerable<(long Sequence, byte[] LeafHash)> ReadLeafHashesAsync(ulong fromSequence, CancellationToken cancellationToken);

    /// <summary>Raw rows in sequence order, as stored, for verification and export. Never trusts what it reads.</summary>
    Task<IReadOnlyList<StoredRow>> ReadRowsAsync(ulong fromSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Every stored checkpoint note, by tree size.</summary>
    Task<IReadOnlyList<StoredCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Keeps a witness's cosignature of a checkpoint: the checkpoint's note with the witness's cosignature line. Written
    /// through the single writer, after the fact: a cosignature is evidence about entries already durable.
    /// </summary>
    Task AddCosignatureAsync(StoredCosignature cosignature, CancellationToken cancellationToken);

    /// <summary>Every stored cosignature, by witness and tree size.</summary>
    Task<IReadOnlyList<StoredCosignature>> ReadCosignaturesAsync(CancellationToken cancellationToken);

    /// <summary>The canonical bytes of the entries matching <paramref name="query"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<byte[]>> QueryAsync(LedgerQuery query, int limit, CancellationToken cancellationToken);

    Task<string?> GetMetadataAsync(string key, CancellationToken cancellationToken);

    Task SetMetadataAsync(string key, string value, CancellationToken cancellationToken);
}

/// <summary>A row exactly as the database returned it; any part may have been tampered with.</summary>
public sealed record StoredRow(long Sequence, byte[] Entry, byte[] LeafHash, EntryColumns Columns);

/// <summary>A checkpoint note as stored, not yet verified.</summary>
public sealed record StoredCheckpoint(long TreeSize, string Note);

/// <summary>A witness's cosigned checkpoint as stored (the note with the witness's line), not yet verified.</summary>
public sealed record StoredCosignature(string Witness, long TreeSize, string Note);

/// <summary>What the store held at one moment: its entry count, highest sequence (null when empty) and signed head (null before the first append).</summary>
public sealed record StoreSnapshot(ulong EntryCount, long? LastSequence, StoredCheckpoint? Head);

/// <summary>Keys of the ledger's metadata table.</summary>
public static class LedgerMetadata
{
    /// <summary>The verifier key of the log's signing key, fixed at first start.</summary>
    public const string VerifierKey = "verifier_key";
}
