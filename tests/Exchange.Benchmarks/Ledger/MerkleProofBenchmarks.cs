using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Exchange.Ledger.Merkle;

namespace Exchange.Benchmarks.Ledger;

/// <summary>
/// Inclusion-proof verification and generation in a million-entry ledger. Verification is what a
/// recipient or court does with a proof and a signed checkpoint (goal: at most 10 µs); generation is
/// what the ledger does per ProveInclusion call from its in-memory levels.
/// Run: dotnet run -c Release --project tests/Exchange.Benchmarks -- --filter '*MerkleProof*'
/// </summary>
[MemoryDiagnoser]
public class MerkleProofBenchmarks
{
    private const ulong Size = 1_000_000;
    private readonly MerkleTree _tree = new();
    private byte[] _root = [];
    private byte[] _leaf = [];
    private IReadOnlyList<byte[]> _proof = [];
    private IReadOnlyList<byte[]> _consistency = [];
    private byte[] _oldRoot = [];

    [Params(123_456UL, 999_999UL)]
    public ulong LeafIndex { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Span<byte> data = stackalloc byte[8];
        var leaves = new List<byte[]>((int)Size);
        for (var i = 0UL; i < Size; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(data, i);
            leaves.Add(MerkleHash.Leaf(SHA256.HashData(data)));
        }

        _tree.AppendRange(leaves);
        _root = _tree.RootAt(Size);
        _leaf = _tree.Leaf(LeafIndex);
        _proof = _tree.InclusionProof(LeafIndex, Size);
        _oldRoot = _tree.RootAt(LeafIndex);
        _consistency = _tree.ConsistencyProof(LeafIndex, Size);
        if (!VerifyInclusion() || !VerifyConsistency())
        {
            throw new InvalidOperationException("The benchmark's proofs do not verify.");
        }
    }

    [Benchmark]
    public bool VerifyInclusion() => MerkleProofs.VerifyInclusion(LeafIndex, Size, _leaf, _proof, _root);

    [Benchmark]
    public IReadOnlyList<byte[]> GenerateInclusionProof() => _tree.InclusionProof(LeafIndex, Size);

    [Benchmark]
    public bool VerifyConsistency() => MerkleProofs.VerifyConsistency(LeafIndex, Size, _oldRoot, _root, _consistency);

    [Benchmark]
    public IReadOnlyList<byte[]> GenerateConsistencyProof() => _tree.ConsistencyProof(LeafIndex, Size);
}
