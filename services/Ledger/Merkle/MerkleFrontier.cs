namespace Exchange.Ledger.Merkle;

/// <summary>
/// The right edge of an RFC 6962 tree: one hash per complete subtree, at most 64. Enough to know
/// the root after every appended leaf while streaming through a log of any length, which is what
/// the verifier does with an export too large to hold in memory.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<(int Level, byte[] Hash)> _stack = new(64);

    public MerkleFrontier()
    {
    }

    /// <summary>A frontier that continues a tree of <paramref name="size"/> leaves from its complete subtrees, largest first.</summary>
    internal MerkleFrontier(ulong size, IEnumerable<(int Level, byte[] Hash)> subtrees)
    {
        _stack.AddRange(subtrees);
        Size = size;
    }

    public ulong Size { get; private set; }

    public void Append(ReadOnlySpan<byte> leafHash)
    {
        var hash = leafHash.ToArray();
        var level = 0;
        // Two complete subtrees of equal height merge into one of the next height.
        while (_stack.Count > 0 && _stack[^1].Level == level)
        {
            hash = MerkleHash.Node(_stack[^1].Hash, hash);
            _stack.RemoveAt(_stack.Count - 1);
            level++;
        }

        _stack.Add((level, hash));
        Size++;
    }

    public byte[] Root()
    {
        if (_stack.Count == 0)
        {
            return MerkleHash.EmptyRoot();
        }

        var root = _stack[^1].Hash;
        for (var i = _stack.Count - 2; i >= 0; i--)
        {
            root = MerkleHash.Node(_stack[i].Hash, root);
        }

        return root;
    }
}
