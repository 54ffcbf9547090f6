using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Query;
using Grpc.Core;

namespace Exchange.Policy.Tests.Host;

/// <summary>The ledger as the decision service uses it: appends recorded, or refused as when the disk is gone.</summary>
public sealed class RecordingLedger : IDisclosureLedger
{
    public List<LedgerEntry> Entries { get; } = [];

    public bool Unwritable { get; set; }

    public string Origin => "test";

    public string VerifierKey => "test";

    public ulong Size => (ulong)Entries.Count;

    public ValueTask<IReadOnlyList<ulong>> AppendAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        if (Unwritable)
        {
            throw new LedgerUnavailableException("disk full");
        }

        var first = (ulong)Entries.Count;
        Entries.AddRange(entries);
        return ValueTask.FromResult<IReadOnlyList<ulong>>([.. Enumerable.Range(0, entries.Count).Select(i => first + (ulong)i)]);
    }

    /// <summary>The appended sequences, with a stand-in checkpoint of the size after the append (nothing here checks its signature).</summary>
    public async ValueTask<LedgerAppend> AppendWithCheckpointAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        var sequences = await AppendAsync(entries, cancellationToken);
        var checkpoint = new SignedCheckpoint(Origin, Size, new byte[32], DateTimeOffset.UnixEpoch, $"test\n{Size}\n");
        return new LedgerAppend(sequences, [.. entries.Select(_ => new byte[32])], checkpoint);
    }

    public Task<SignedCheckpoint> CheckpointAsync(CancellationToken cancellationToken) => throw new NotSupportedException("not used by decisions");

    public InclusionProof ProveInclusion(ulong sequence, ulong treeSize) => throw new NotSupportedException("not used by decisions");

    public IReadOnlyList<byte[]> ProveConsistency(ulong firstTreeSize, ulong secondTreeSize) => throw new NotSupportedException("not used by decisions");

    public byte[] RootAt(ulong treeSize) => throw new NotSupportedException("not used by decisions");

    public Task<IReadOnlyList<EncodedEntry>> ReadEntriesAsync(ulong fromSequence, int limit, CancellationToken cancellationToken) => throw new NotSupportedException("not used by decisions");

    public Task<LedgerPage> QueryAsync(LedgerQuery query, CancellationToken cancellationToken) => throw new NotSupportedException("not used by decisions");
}

/// <summary>The index's facts, as the test sets them, or unreachable; remembers what it was asked.</summary>
public sealed class FakeFacts : RoutingService.RoutingServiceClient
{
    public bool Involved { get; set; } = true;

    public bool Unreachable { get; set; }

    /// <summary>Answered as is when set; otherwise only <see cref="Involved"/> is set.</summary>
    public GetFactsResponse? Answer { get; set; }

    public List<GetFactsRequest> Asked { get; } = [];

    public override AsyncUnaryCall<GetFactsResponse> GetFactsAsync(GetFactsRequest request, CallOptions options)
    {
        Asked.Add(request);
        var response = Unreachable
            ? Task.FromException<GetFactsResponse>(new RpcException(new Status(StatusCode.Unavailable, "index down")))
            : Task.FromResult(Answer ?? new GetFactsResponse { RecipientInvolved = Involved });
        return new AsyncUnaryCall<GetFactsResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }
}
