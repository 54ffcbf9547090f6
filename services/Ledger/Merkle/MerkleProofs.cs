namespace Exchange.Ledger.Merkle;

/// <summary>
/// Verification of inclusion and consistency proofs, following RFC 9162 §2.1.3.2 and §2.1.4.2.
/// Allocation-free: a client can check a proof against a signed checkpoint in microseconds.
/// </summary>
public static class MerkleProofs
{
    /// <summary>True when <paramref name="proof"/> shows the leaf at <paramref name="index"/> is in the tree of <paramref name="size"/> with <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(
        ulong index, ulong size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index >= size || leafHash.Length != MerkleHash.Size || root.Length != MerkleHash.Size)
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        Span<byte> r = stackalloc byte[MerkleHash.Size];
        leafHash.CopyTo(r);
        for (var i = 0; i < proof.Count; i++)
        {
            var p = proof[i];
            if (sn == 0 || p.Length != MerkleHash.Size)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(p, r, r);
                // Skip the levels where this node has no right sibling: it is carried up unchanged.
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                MerkleHash.Node(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.SequenceEqual(root);
    }

    /// <summary>True when <paramref name="proof"/> shows the tree of <paramref name="secondSize"/> extends the tree of <paramref name="firstSize"/>.</summary>
    public static bool VerifyConsistency(
        ulong firstSize, ulong secondSize, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (firstSize > secondSize || firstRoot.Length != MerkleHash.Size || secondRoot.Length != MerkleHash.Size)
        {
            return false;
        }

        if (firstSize == secondSize)
        {
            return proof.Count == 0 && firstRoot.SequenceEqual(secondRoot);
        }

        if (firstSize == 0)
        {
            // Every tree extends the empty tree; there is nothing to prove.
            return proof.Count == 0;
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var start = 0;
        Span<byte> fr = stackalloc byte[MerkleHash.Size];
        Span<byte> sr = stackalloc byte[MerkleHash.Size];
        // When the first tree is a complete subtree, its root is the proof's implicit first node.
        if (ulong.IsPow2(firstSize))
        {
            firstRoot.CopyTo(fr);
        }
        else
        {
            if (proof[0].Length != MerkleHash.Size)
            {
                return false;
            }

            proof[0].CopyTo(fr);
            start = 1;
        }

        fr.CopyTo(sr);
        var fn = firstSize - 1;
        var sn = secondSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        for (var i = start; i < proof.Count; i++)
        {
            var c = proof[i];
            if (sn == 0 || c.Length != MerkleHash.Size)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(c, fr, fr);
                MerkleHash.Node(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                MerkleHash.Node(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.SequenceEqual(firstRoot) && sr.SequenceEqual(secondRoot);
    }
}
