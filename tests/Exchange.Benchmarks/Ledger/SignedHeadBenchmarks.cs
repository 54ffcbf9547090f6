using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;

namespace Exchange.Benchmarks.Ledger;

/// <summary>
/// What the signed head costs a ledger append: every group-commit batch stores a checkpoint of the new tree signed
/// with Ed25519 (SignedCheckpoint.Create: the note text and one signature), whatever the batch's size. Beside it,
/// the per-entry work of a batch (a ~300-byte entry's leaf hash) and the new root of a 1,000-entry tree with a batch
/// of 32 added, so the signature can be read against the rest of the batch's CPU work. A batch is one append with a
/// single writer and about 33 with 64 writers (see the ledger section of docs/benchmarks.md).
/// Run: dotnet run -c Release --project tests/Exchange.Benchmarks -- --filter '*SignedHead*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class SignedHeadBenchmarks
{
    private readonly NoteSigner _signer = NoteSigner.Generate("exchange.local/ledger");
    private readonly MerkleTree _tree = new();
    private readonly byte[] _entry = RandomNumberGenerator.GetBytes(300);
    private byte[] _root = [];
    private List<byte[]> _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        _tree.AppendRange([.. Enumerable.Range(0, 1_000).Select(_ => MerkleHash.Leaf(RandomNumberGenerator.GetBytes(300)))]);
        _batch = [.. Enumerable.Range(0, 32).Select(_ => MerkleHash.Leaf(RandomNumberGenerator.GetBytes(300)))];
        _root = _tree.RootWith(_batch);
    }

    [GlobalCleanup]
    public void Cleanup() => _signer.Dispose();

    [Benchmark(Description = "signed head of a batch (Ed25519 checkpoint)")]
    public SignedCheckpoint SignedHead() => SignedCheckpoint.Create(_signer, 1_032, _root, DateTimeOffset.UnixEpoch.AddDays(20_000));

    [Benchmark(Description = "leaf hash of one ~300-byte entry")]
    public byte[] LeafHash() => MerkleHash.Leaf(_entry);

    [Benchmark(Description = "new root with a batch of 32 (1,000-entry tree)")]
    public byte[] RootWithBatch() => _tree.RootWith(_batch);
}
