using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Entries;
using Exchange.Ledger.Hosting;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Query;
using Exchange.Ledger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exchange.Ledger;

/// <summary>
/// The disclosure ledger: validates entries, hands them to the group-commit writer, and serves
/// checkpoints, proofs and queries from the durable tree. Open it with <see cref="OpenAsync"/>.
/// </summary>
public sealed partial class DisclosureLedger : IDisclosureLedger, IAsyncDisposable
{
    private readonly ILedgerStore _store;
    private readonly NoteSigner _signer;
    private readonly MerkleTree _tree;
    private readonly GroupCommitWriter _writer;
    private readonly LedgerOptions _options;

    private DisclosureLedger(ILedgerStore store, NoteSigner signer, MerkleTree tree, GroupCommitWriter writer, LedgerOptions options)
    {
        _store = store;
        _signer = signer;
        _tree = tree;
        _writer = writer;
        _options = options;
    }

    public string Origin => _signer.Name;

    public string VerifierKey => _signer.VerifierKey;

    public ulong Size => _tree.Size;

    public ILedgerStore Store => _store;

    /// <summary>Append transactions committed since opening; with group commit, fewer than the appends.</summary>
    public long Commits => _writer.Commits;

    /// <summary>The latest stored (periodic) checkpoint, or null before the first.</summary>
    public SignedCheckpoint? LatestCheckpoint => _writer.LatestCheckpoint;

    /// <summary>The signed head: the checkpoint stored with the latest commit, covering every durable entry; null while empty.</summary>
    public SignedCheckpoint? Head => _writer.Head;

    public static ILedgerStore CreateStore(LedgerOptions options) => options.Store switch
    {
        LedgerStoreKind.Postgres => new PostgresLedgerStore(options.PostgresConnectionString!),
        _ => new SqliteLedgerStore(options.SqlitePath, options.SqliteBusyTimeout),
    };

    /// <summary>
    /// Opens the store (creating the schema and the signing key when missing), rebuilds the tree from
    /// the stored leaf hashes, and refuses to start when the store contradicts its latest signed
    /// checkpoint or was created with another signing key.
    /// </summary>
    public static async Task<DisclosureLedger> OpenAsync(
        LedgerOptions options, ILogger? logger = null, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        logger ??= NullLogger.Instance;
        var store = CreateStore(options);
        NoteSigner? signer = null;
        try
        {
            await store.InitializeAsync(cancellationToken);
            await store.AcquireWriterLockAsync(cancellationToken);
            signer = NoteSigner.LoadOrCreate(options.SigningKeyPath, options.Origin);
            await store.SetMetadataAsync(LedgerMetadata.VerifierKey, signer.VerifierKey, cancellationToken);
            var storedKey = await store.GetMetadataAsync(LedgerMetadata.VerifierKey, cancellationToken);
            if (!string.Equals(storedKey, signer.VerifierKey, StringComparison.Ordinal))
            {
                throw new LedgerIntegrityException(
                    "The signing key does not belong to this ledger: its checkpoints were signed with another key.");
            }

            var tree = new MerkleTree();
            var expected = 0L;
            await foreach (var (sequence, leaf) in store.ReadLeafHashesAsync(0, cancellationToken))
            {
                if (sequence != expected || leaf.Length != MerkleHash.Size)
                {
                    throw new LedgerIntegrityException($"Ledger entry {expected} is missing or damaged; run 'exchange ledger verify'.");
                }

                tree.Append(leaf);
                expected++;
            }

            var latest = await LatestValidCheckpointAsync(store, signer.Verifier, tree, cancellationToken);
            var head = await ValidHeadAsync(store, signer.Verifier, tree, latest, cancellationToken);
            var writer = new GroupCommitWriter(store, tree, signer, latest, head, options.GroupCommit, options.MaxBatchSize,
                clock ?? TimeProvider.System, logger);
            LogOpened(logger, store.Description, tree.Size, options.GroupCommit);
            return new DisclosureLedger(store, signer, tree, writer, options);
        }
        catch
        {
            signer?.Dispose();
            await store.DisposeAsync();
            throw;
        }
    }

    public async ValueTask<IReadOnlyList<ulong>> AppendAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken) =>
        (await AppendWithCheckpointAsync(entries, cancellationToken)).Sequences;

    public async ValueTask<LedgerAppend> AppendWithCheckpointAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        var canonical = LedgerEntryValidator.Prepare(entries, _tree.Size, _options.MaxEntriesPerAppend);
        // Once queued, the append is written even if this caller gives up waiting: cancellation only
        // stops the wait, and the caller must then treat the outcome as unknown (fail closed).
        return await _writer.AppendAsync(canonical).WaitAsync(cancellationToken);
    }

    public Task<SignedCheckpoint> CheckpointAsync(CancellationToken cancellationToken) =>
        _writer.CheckpointAsync().WaitAsync(cancellationToken);

    /// <summary>Keeps a witness's cosigned note of one of this ledger's checkpoints (see <see cref="Witness.WitnessCosigner"/>).</summary>
    internal Task StoreCosignatureAsync(string witness, SignedCheckpoint checkpoint, string cosignedNote, CancellationToken cancellationToken) =>
        _writer.StoreCosignatureAsync(new StoredCosignature(witness, checked((long)checkpoint.TreeSize), cosignedNote)).WaitAsync(cancellationToken);

    public InclusionProof ProveInclusion(ulong sequence, ulong treeSize)
    {
        var size = treeSize == 0 ? _tree.Size : treeSize;
        return new InclusionProof(sequence, size, _tree.Leaf(sequence), _tree.InclusionProof(sequence, size));
    }

    public IReadOnlyList<byte[]> ProveConsistency(ulong firstTreeSize, ulong secondTreeSize) =>
        _tree.ConsistencyProof(firstTreeSize, secondTreeSize == 0 ? _tree.Size : secondTreeSize);

    public byte[] RootAt(ulong treeSize) => _tree.RootAt(treeSize);

    public async Task<IReadOnlyList<EncodedEntry>> ReadEntriesAsync(ulong fromSequence, int limit, CancellationToken cancellationToken)
    {
        // Only durable, tree-covered entries: a row of a batch still committing is never shown.
        var size = _tree.Size;
        if (fromSequence >= size)
        {
            return [];
        }

        var count = (int)Math.Min((ulong)limit, size - fromSequence);
        var rows = await _store.ReadRowsAsync(fromSequence, count, cancellationToken);
        return rows.Select(r => new EncodedEntry(LedgerEntryCodec.Decode(r.Entry), r.Entry)).ToList();
    }

    public async Task<LedgerPage> QueryAsync(LedgerQuery query, CancellationToken cancellationToken)
    {
        var pageSize = query.PageSize is > 0 and <= LedgerQuery.MaxPageSize ? query.PageSize : LedgerQuery.DefaultPageSize;
        // One extra row tells whether another page follows.
        var rows = await _store.QueryAsync(query, pageSize + 1, cancellationToken);
        var entries = rows.Take(pageSize).Select(b => LedgerEntryCodec.Decode(b)).ToList();
        var next = rows.Count > pageSize ? PageToken.Encode(entries[^1].Sequence) : null;
        return new LedgerPage(entries, next);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _store.DisposeAsync();
        _signer.Dispose();
    }

    private static async Task<SignedCheckpoint?> LatestValidCheckpointAsync(
        ILedgerStore store, NoteVerifier verifier, MerkleTree tree, CancellationToken cancellationToken)
    {
        var checkpoints = await store.ReadCheckpointsAsync(cancellationToken);
        if (checkpoints.Count == 0)
        {
            return null;
        }

        var stored = checkpoints[^1];
        var latest = SignedCheckpoint.Open(stored.Note, verifier, out var failure)
            ?? throw new LedgerIntegrityException($"The latest checkpoint does not verify: {failure}.");
        if (latest.TreeSize != (ulong)stored.TreeSize || latest.TreeSize > tree.Size
            || !latest.RootHash.AsSpan().SequenceEqual(tree.RootAt(latest.TreeSize)))
        {
            throw new LedgerIntegrityException(
                $"The stored entries do not match the signed checkpoint for tree size {latest.TreeSize}; run 'exchange ledger verify'.");
        }

        return latest;
    }

    /// <summary>
    /// The stored head, which must cover exactly the stored entries: every commit writes its entries and their head
    /// together, so an entry beyond the head (or, without a head, beyond the latest checkpoint) was written by
    /// someone else, and a head beyond the entries means entries were removed. Either way the ledger does not start,
    /// rather than sign over what it did not write.
    /// </summary>
    private static async Task<SignedCheckpoint?> ValidHeadAsync(
        ILedgerStore store, NoteVerifier verifier, MerkleTree tree, SignedCheckpoint? latest, CancellationToken cancellationToken)
    {
        var snapshot = await store.ReadSnapshotAsync(cancellationToken);
        SignedCheckpoint? head = null;
        if (snapshot.Head is { } stored)
        {
            head = SignedCheckpoint.Open(stored.Note, verifier, out var failure)
                ?? throw new LedgerIntegrityException($"The ledger's signed head does not verify: {failure}.");
            if (head.TreeSize != (ulong)stored.TreeSize || head.TreeSize > tree.Size
                || !head.RootHash.AsSpan().SequenceEqual(tree.RootAt(head.TreeSize)))
            {
                throw new LedgerIntegrityException(
                    $"The stored entries do not match the ledger's signed head (tree size {head.TreeSize}); run 'exchange ledger verify'.");
            }
        }

        var covered = Math.Max(head?.TreeSize ?? 0, latest?.TreeSize ?? 0);
        if (covered < tree.Size)
        {
            throw new LedgerIntegrityException(FormattableString.Invariant(
                $"Entries {covered} to {tree.Size - 1} are covered by no signed checkpoint: the ledger did not write them; run 'exchange ledger verify'."));
        }

        return head;
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "Disclosure ledger opened on {Store} with {TreeSize} entries (group commit {GroupCommit})")]
    private static partial void LogOpened(ILogger logger, string store, ulong treeSize, bool groupCommit);
}
