using System.Numerics;

namespace Exchange.Ledger.Merkle;

/// <summary>
/// An RFC 6962 Merkle tree kept in memory as levels of complete-subtree hashes: level k holds the
/// hash of every aligned, complete subtree of 2^k leaves. Appending is amortised O(1); the root at
/// any earlier size, inclusion proofs and consistency proofs are O(log² n) lookups, so proof
/// generation stays fast for large trees. About 64 bytes of memory per leaf; rebuilt from the
/// stored leaf hashes at start-up. Every member takes one short lock, so proofs can be served
/// while the writer appends.
/// </summary>
public sealed class MerkleTree
{
    private readonly List<HashLevel> _levels = [new HashLevel()];
    private readonly Lock _gate = new();

    public ulong Size
    {
        get
        {
            lock (_gate)
            {
                return (ulong)_levels[0].Count;
            }
        }
    }

    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException("A leaf hash has 32 bytes.", nameof(leafHash));
        }

        lock (_gate)
        {
            AppendUnlocked(leafHash);
        }
    }

    public void AppendRange(IEnumerable<byte[]> leafHashes)
    {
        lock (_gate)
        {
            foreach (var leaf in leafHashes)
            {
                AppendUnlocked(leaf);
            }
        }
    }

    public byte[] Leaf(ulong index)
    {
        lock (_gate)
        {
            RequireIndex(index, (ulong)_levels[0].Count);
            return _levels[0].Get((int)index).ToArray();
        }
    }

    /// <summary>MTH of the first <paramref name="size"/> leaves.</summary>
    public byte[] RootAt(ulong size)
    {
        lock (_gate)
        {
            RequireSize(size);
            return size == 0 ? MerkleHash.EmptyRoot() : SubtreeHash(0, size);
        }
    }

    /// <summary>
    /// The root the tree would have with <paramref name="leafHashes"/> appended, without appending them: the
    /// writer signs the checkpoint of a batch before the batch commits, so it is stored in the same transaction.
    /// </summary>
    public byte[] RootWith(IEnumerable<byte[]> leafHashes)
    {
        MerkleFrontier frontier;
        lock (_gate)
        {
            frontier = FrontierUnlocked();
        }

        foreach (var leaf in leafHashes)
        {
            frontier.Append(leaf);
        }

        return frontier.Root();
    }

    /// <summary>RFC 6962 §2.1.1 PATH(index, D[0:size]), leaf to root order.</summary>
    public IReadOnlyList<byte[]> InclusionProof(ulong index, ulong size)
    {
        lock (_gate)
        {
            RequireSize(size);
            RequireIndex(index, size);
            var proof = new List<byte[]>(64);
            Path(index, 0, size, proof);
            return proof;
        }
    }

    /// <summary>RFC 6962 §2.1.2 PROOF(first, D[0:second]).</summary>
    public IReadOnlyList<byte[]> ConsistencyProof(ulong first, ulong second)
    {
        lock (_gate)
        {
            RequireSize(second);
            if (first > second)
            {
                throw new ArgumentOutOfRangeException(nameof(first), "The first size exceeds the second.");
            }

            var proof = new List<byte[]>(64);
            if (first > 0 && first < second)
            {
                SubProof(first, 0, second, true, proof);
            }

            return proof;
        }
    }

    private void AppendUnlocked(ReadOnlySpan<byte> leafHash)
    {
        _levels[0].Add(leafHash);
        var level = 0;
        Span<byte> parent = stackalloc byte[MerkleHash.Size];
        // A new complete subtree closes at every level where the count becomes even.
        while ((_levels[level].Count & 1) == 0)
        {
            if (level + 1 == _levels.Count)
            {
                _levels.Add(new HashLevel());
            }

            var count = _levels[level].Count;
            MerkleHash.Node(_levels[level].Get(count - 2), _levels[level].Get(count - 1), parent);
            _levels[level + 1].Add(parent);
            level++;
        }
    }

    /// <summary>The right edge of the whole tree: one complete subtree per set bit of the size, largest first.</summary>
    private MerkleFrontier FrontierUnlocked()
    {
        var size = (ulong)_levels[0].Count;
        var subtrees = new List<(int Level, byte[] Hash)>(64);
        var start = 0UL;
        for (var level = 63; level >= 0; level--)
        {
            var width = 1UL << level;
            if ((size & width) != 0)
            {
                subtrees.Add((level, _levels[level].Get((int)(start >> level)).ToArray()));
                start += width;
            }
        }

        return new MerkleFrontier(size, subtrees);
    }

    /// <summary>MTH(D[start:end]); start is aligned to the largest power of two below the range.</summary>
    private byte[] SubtreeHash(ulong start, ulong end)
    {
        var count = end - start;
        if (BitOperations.IsPow2(count) && start % count == 0)
        {
            var level = BitOperations.Log2(count);
            return _levels[level].Get((int)(start >> level)).ToArray();
        }

        var split = LargestPowerOfTwoBelow(count);
        return MerkleHash.Node(SubtreeHash(start, start + split), SubtreeHash(start + split, end));
    }

    private void Path(ulong index, ulong start, ulong end, List<byte[]> proof)
    {
        var count = end - start;
        if (count == 1)
        {
            return;
        }

        var split = LargestPowerOfTwoBelow(count);
        if (index < split)
        {
            Path(index, start, start + split, proof);
            proof.Add(SubtreeHash(start + split, end));
        }
        else
        {
            Path(index - split, start + split, end, proof);
            proof.Add(SubtreeHash(start, start + split));
        }
    }

    private void SubProof(ulong first, ulong start, ulong end, bool firstIsWholeTree, List<byte[]> proof)
    {
        var count = end - start;
        if (first == count)
        {
            if (!firstIsWholeTree)
            {
                proof.Add(SubtreeHash(start, end));
            }

            return;
        }

        var split = LargestPowerOfTwoBelow(count);
        if (first <= split)
        {
            SubProof(first, start, start + split, firstIsWholeTree, proof);
            proof.Add(SubtreeHash(start + split, end));
        }
        else
        {
            SubProof(first - split, start + split, end, false, proof);
            proof.Add(SubtreeHash(start, start + split));
        }
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    internal static ulong LargestPowerOfTwoBelow(ulong n) => 1UL << BitOperations.Log2(n - 1);

    private void RequireSize(ulong size)
    {
        if (size > (ulong)_levels[0].Count)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"The tree has {_levels[0].Count} leaves.");
        }
    }

    private static void RequireIndex(ulong index, ulong size)
    {
        if (index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "The leaf index is not below the tree size.");
        }
    }

    /// <summary>A growable, flat array of 32-byte hashes: one allocation per doubling, not per hash.</summary>
    private sealed class HashLevel
    {
        private byte[] _data = new byte[MerkleHash.Size * 64];

        public int Count { get; private set; }

        public void Add(ReadOnlySpan<byte> hash)
        {
            var offset = Count * MerkleHash.Size;
            if (offset + MerkleHash.Size > _data.Length)
            {
                Array.Resize(ref _data, _data.Length * 2);
            }

            hash.CopyTo(_data.AsSpan(offset, MerkleHash.Size));
            Count++;
        }

        public ReadOnlySpan<byte> Get(int index) => _data.AsSpan(index * MerkleHash.Size, MerkleHash.Size);
    }
}
