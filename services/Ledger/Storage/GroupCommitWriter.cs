using System.Data.Common;
using System.Threading.Channels;
using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Entries;
using Exchange.Ledger.Merkle;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Exchange.Ledger.Storage;

/// <summary>
/// The single writer. Callers enqueue appends; one loop drains everything that is waiting into one
/// transaction and one flush (group commit), then adds the leaves to the in-memory tree and only
/// then completes each caller. With group commit off, every append is its own transaction, which is
/// the baseline the benchmarks compare against. Sequence numbers are assigned here, so they are
/// dense and equal to the leaf index. Every transaction also replaces the ledger's signed head, a
/// checkpoint of the tree the batch completes, signed before the commit: no entry is ever durable
/// without a signature that covers it, and each caller gets that checkpoint as evidence.
/// </summary>
internal sealed partial class GroupCommitWriter : IAsyncDisposable
{
    private readonly Channel<WriteRequest> _requests =
        Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ILedgerStore _store;
    private readonly MerkleTree _tree;
    private readonly NoteSigner _signer;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly bool _groupCommit;
    private readonly int _maxBatchSize;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastRecordedAtMicros;
    private bool _needsResync;
    private SignedCheckpoint? _latestCheckpoint;
    private SignedCheckpoint? _head;
    private long _commits;

    public GroupCommitWriter(
        ILedgerStore store, MerkleTree tree, NoteSigner signer, SignedCheckpoint? latestCheckpoint, SignedCheckpoint? head,
        bool groupCommit, int maxBatchSize, TimeProvider clock, ILogger logger)
    {
        _store = store;
        _tree = tree;
        _signer = signer;
        _latestCheckpoint = latestCheckpoint;
        _head = head;
        _groupCommit = groupCommit;
        _maxBatchSize = maxBatchSize;
        _clock = clock;
        _logger = logger;
        // A thread of its own: the loop never waits in the thread pool's queue behind the callers it
        // is about to complete, which keeps commit latency flat under many concurrent writers.
        _thread = new Thread(Run) { IsBackground = true, Name = "ledger-writer" };
        _thread.Start();
    }

    public SignedCheckpoint? LatestCheckpoint => Volatile.Read(ref _latestCheckpoint);

    /// <summary>The signed head: the checkpoint stored with the latest commit, covering every durable entry.</summary>
    public SignedCheckpoint? Head => Volatile.Read(ref _head);

    /// <summary>Transactions committed with entries: with group commit, far fewer than appends under load.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Queues canonical entries; completes with their sequences, leaf hashes and head once the transaction is durable.</summary>
    public Task<LedgerAppend> AppendAsync(LedgerEntry[] entries)
    {
        var request = new AppendRequest(entries);
        if (!_requests.Writer.TryWrite(request))
        {
            throw new LedgerUnavailableException("The ledger is shutting down.");
        }

        return request.Completion.Task;
    }

    /// <summary>A signed checkpoint for the durable tree as it is once the queue ahead has been written.</summary>
    public Task<SignedCheckpoint> CheckpointAsync()
    {
        var request = new CheckpointRequest();
        if (!_requests.Writer.TryWrite(request))
        {
            throw new LedgerUnavailableException("The ledger is shutting down.");
        }

        return request.Completion.Task;
    }

    /// <summary>Stores a witness's cosignature through this writer's connection (the only one that writes).</summary>
    public Task StoreCosignatureAsync(StoredCosignature cosignature)
    {
        var request = new CosignatureRequest(cosignature);
        if (!_requests.Writer.TryWrite(request))
        {
            throw new LedgerUnavailableException("The ledger is shutting down.");
        }

        return request.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        // Everything already queued is still written: callers waiting on it get their answer.
        _requests.Writer.TryComplete();
        await _stopped.Task;
    }

    private void Run()
    {
        try
        {
            Loop();
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Blocks on each step rather than awaiting, so control always comes back to this thread. Both
    /// stores append synchronously, so the common path never leaves it.
    /// </summary>
    private void Loop()
    {
        var reader = _requests.Reader;
        var appends = new List<AppendRequest>();
        // Checkpoints and cosignatures, done after the batch they were queued with, in order.
        var others = new List<WriteRequest>();
        WriteRequest? carried = null;
        while (carried is not null || reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            appends.Clear();
            others.Clear();
            var entryCount = 0;
            // Take what is waiting, up to the batch limit; the request that does not fit opens the next batch.
            while (carried is not null || reader.TryRead(out carried))
            {
                if (carried is not AppendRequest append)
                {
                    others.Add(carried);
                    carried = null;
                    continue;
                }

                if (appends.Count > 0 && (!_groupCommit || entryCount + append.Entries.Length > _maxBatchSize))
                {
                    break;
                }

                appends.Add(append);
                entryCount += append.Entries.Length;
                carried = null;
            }

            if (appends.Count > 0)
            {
                WriteBatchAsync(appends, entryCount).GetAwaiter().GetResult();
            }

            foreach (var request in others)
            {
                (request switch
                {
                    CheckpointRequest checkpoint => SignCheckpointAsync(checkpoint),
                    _ => StoreCosignatureAsync((CosignatureRequest)request),
                }).GetAwaiter().GetResult();
            }
        }
    }

    private async Task WriteBatchAsync(List<AppendRequest> appends, int entryCount)
    {
        try
        {
            if (_needsResync)
            {
                await ResyncAsync();
            }

            var next = _tree.Size;
            var now = Math.Max(LedgerTime.ToUnixMicroseconds(_clock.GetUtcNow()), _lastRecordedAtMicros);
            var recordedAt = LedgerTime.FromUnixMicroseconds(now);
            var rows = new List<StoredEntry>(entryCount);
            foreach (var append in appends)
            {
                append.First = rows.Count;
                for (var i = 0; i < append.Entries.Length; i++)
                {
                    var entry = append.Entries[i];
                    entry.Sequence = next++;
                    entry.RecordedAt = recordedAt;
                    var bytes = entry.ToByteArray();
                    rows.Add(new StoredEntry(entry.Sequence, bytes, MerkleHash.Leaf(bytes), EntryColumns.From(entry)));
                }
            }

            var leaves = rows.ConvertAll(r => r.LeafHash);
            var head = SignedCheckpoint.Create(_signer, next, _tree.RootWith(leaves), _clock.GetUtcNow());
            await _store.AppendAsync(rows, head, CancellationToken.None);
            Interlocked.Increment(ref _commits);
            _lastRecordedAtMicros = now;
            _tree.AppendRange(leaves);
            Volatile.Write(ref _head, head);
            foreach (var append in appends)
            {
                var batch = rows.GetRange(append.First, append.Entries.Length);
                append.Result = new LedgerAppend(batch.ConvertAll(r => r.Sequence), batch.ConvertAll(r => r.LeafHash), head);
            }
        }
        catch (Exception exception)
        {
            // Fail closed on anything. The commit's outcome is unknown (it may have reached the disk): re-read the store before
            // the next batch so the tree and the sequences never diverge from what is stored.
            _needsResync = true;
            LogBatchFailed(_logger, entryCount, exception.GetType().Name, (exception as DbException)?.SqlState);
            var failure = new LedgerUnavailableException("The ledger could not make the entries durable.", exception);
            foreach (var append in appends)
            {
                append.Completion.TrySetException(failure);
            }

            return;
        }

        foreach (var append in appends)
        {
            append.Completion.TrySetResult(append.Result!);
        }
    }

    private async Task ResyncAsync()
    {
        var size = _tree.Size;
        var stored = await _store.CountAsync(CancellationToken.None);
        if (stored > size)
        {
            var leaves = new List<byte[]>();
            await foreach (var (_, leaf) in _store.ReadLeafHashesAsync(size, CancellationToken.None))
            {
                leaves.Add(leaf);
            }

            _tree.AppendRange(leaves);
        }

        // A commit whose answer was lost may have stored its head too: take whatever head the store has.
        var snapshot = await _store.ReadSnapshotAsync(CancellationToken.None);
        if (snapshot.Head is { } storedHead && SignedCheckpoint.Open(storedHead.Note, _signer.Verifier, out _) is { } head
            && head.TreeSize == _tree.Size)
        {
            Volatile.Write(ref _head, head);
        }

        _needsResync = false;
    }

    private async Task SignCheckpointAsync(CheckpointRequest request)
    {
        try
        {
            var size = _tree.Size;
            var latest = _latestCheckpoint;
            if (latest is null || latest.TreeSize != size)
            {
                // The head already is a signed checkpoint of this size: keeping it means every receipt's checkpoint
                // that is published as a checkpoint is the very same note. Only an empty ledger has none.
                var head = _head;
                latest = head is not null && head.TreeSize == size
                    ? head
                    : SignedCheckpoint.Create(_signer, size, _tree.RootAt(size), _clock.GetUtcNow());
                await _store.AddCheckpointAsync(latest, CancellationToken.None);
                Volatile.Write(ref _latestCheckpoint, latest);
            }

            request.Completion.TrySetResult(latest);
        }
        catch (Exception exception)
        {
            LogCheckpointFailed(_logger, exception.GetType().Name, (exception as DbException)?.SqlState);
            request.Completion.TrySetException(new LedgerUnavailableException("The ledger could not store a checkpoint.", exception));
        }
    }

    private async Task StoreCosignatureAsync(CosignatureRequest request)
    {
        try
        {
            await _store.AddCosignatureAsync(request.Cosignature, CancellationToken.None);
            request.Completion.TrySetResult();
        }
        catch (Exception exception)
        {
            // Never fails an append: the cosigner tries again with a later checkpoint.
            request.Completion.TrySetException(new LedgerUnavailableException("The ledger could not store a cosignature.", exception));
        }
    }

    // Only counts and error types: a database message can quote row values, which may be personal data.
    [LoggerMessage(EventId = 4101, Level = LogLevel.Error,
        Message = "Ledger batch of {EntryCount} entries failed to commit ({ExceptionType}, SQL state {SqlState}); appends fail closed")]
    private static partial void LogBatchFailed(ILogger logger, int entryCount, string exceptionType, string? sqlState);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error,
        Message = "Ledger checkpoint could not be stored ({ExceptionType}, SQL state {SqlState})")]
    private static partial void LogCheckpointFailed(ILogger logger, string exceptionType, string? sqlState);

    private abstract class WriteRequest;

    private sealed class AppendRequest(LedgerEntry[] entries) : WriteRequest
    {
        public LedgerEntry[] Entries { get; } = entries;

        /// <summary>Where this append's rows start in its batch.</summary>
        public int First { get; set; }

        public LedgerAppend? Result { get; set; }

        public TaskCompletionSource<LedgerAppend> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class CosignatureRequest(StoredCosignature cosignature) : WriteRequest
    {
        public StoredCosignature Cosignature { get; } = cosignature;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class CheckpointRequest : WriteRequest
    {
        public TaskCompletionSource<SignedCheckpoint> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
