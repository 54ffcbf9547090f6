using Exchange.Ledger.Merkle;

namespace Exchange.Ledger.Tests.Merkle;

public sealed class MerkleTreeTests
{
    private static readonly List<byte[]> Leaves = Enumerable.Range(0, 300)
        .Select(i => ReferenceMerkleTree.LeafHash(BitConverter.GetBytes(i * 7919))).ToList();

    private static readonly MerkleTree Tree = Build(Leaves.Count);

    private static MerkleTree Build(int size)
    {
        var tree = new MerkleTree();
        tree.AppendRange(Leaves.Take(size));
        return tree;
    }

    [Fact]
    public void The_empty_tree_has_the_hash_of_the_empty_string_as_root() =>
        Assert.Equal(ReferenceMerkleTree.Mth(Leaves, 0, 0), new MerkleTree().RootAt(0));

    [Fact]
    public void Leaf_hashes_are_sha256_of_a_zero_byte_and_the_data()
    {
        byte[] data = [1, 2, 3];
        Assert.Equal(ReferenceMerkleTree.LeafHash(data), MerkleHash.Leaf(data));
    }

    [Fact]
    public void The_root_at_every_size_matches_the_rfc_definition()
    {
        for (var size = 1; size <= Leaves.Count; size++)
        {
            Assert.Equal(ReferenceMerkleTree.Mth(Leaves, 0, size), Tree.RootAt((ulong)size));
        }
    }

    [Fact]
    public void The_streaming_frontier_gives_the_same_root_after_every_leaf()
    {
        var frontier = new MerkleFrontier();
        foreach (var leaf in Leaves)
        {
            frontier.Append(leaf);
            Assert.Equal(Tree.RootAt(frontier.Size), frontier.Root());
        }
    }

    [Fact]
    public void Inclusion_proofs_for_every_leaf_of_many_tree_sizes_match_the_rfc_and_verify()
    {
        foreach (var size in Enumerable.Range(1, 70).Concat([127, 128, 129, 255, 256, 257, 300]))
        {
            var root = Tree.RootAt((ulong)size);
            for (var index = 0; index < size; index++)
            {
                var proof = Tree.InclusionProof((ulong)index, (ulong)size);
                Assert.Equal(ReferenceMerkleTree.Path(index, Leaves, 0, size), proof);
                Assert.True(MerkleProofs.VerifyInclusion((ulong)index, (ulong)size, Leaves[index], proof, root), $"leaf {index} of {size}");
            }
        }
    }

    [Fact]
    public void Consistency_proofs_between_all_sizes_up_to_70_match_the_rfc_and_verify()
    {
        var sizes = Enumerable.Range(1, 70).Concat([127, 128, 129, 256, 300]).ToList();
        foreach (var second in sizes)
        {
            var secondRoot = Tree.RootAt((ulong)second);
            foreach (var first in sizes.Where(s => s <= second))
            {
                var proof = Tree.ConsistencyProof((ulong)first, (ulong)second);
                Assert.Equal(ReferenceMerkleTree.Proof(first, Leaves, second), proof);
                Assert.True(MerkleProofs.VerifyConsistency((ulong)first, (ulong)second, Tree.RootAt((ulong)first), secondRoot, proof),
                    $"{first} -> {second}");
            }
        }
    }

    [Fact]
    public void An_inclusion_proof_fails_for_another_leaf_index_size_root_or_altered_hash()
    {
        var proof = Tree.InclusionProof(41, 300);
        var root = Tree.RootAt(300);
        Assert.False(MerkleProofs.VerifyInclusion(41, 300, Leaves[42], proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(40, 300, Leaves[41], proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(41, 200, Leaves[41], proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(41, 300, Leaves[41], proof, Tree.RootAt(299)));
        Assert.False(MerkleProofs.VerifyInclusion(41, 300, Leaves[41], proof.Take(proof.Count - 1).ToList(), root));
        for (var i = 0; i < proof.Count; i++)
        {
            var altered = proof.Select(h => h.ToArray()).ToList();
            altered[i][0] ^= 1;
            Assert.False(MerkleProofs.VerifyInclusion(41, 300, Leaves[41], altered, root));
        }
    }

    [Fact]
    public void A_consistency_proof_fails_for_a_root_that_rewrote_history()
    {
        var proof = Tree.ConsistencyProof(100, 300);
        var forkedLeaves = Leaves.Select((l, i) => i == 57 ? ReferenceMerkleTree.LeafHash([9]) : l).ToList();
        var forkedFirstRoot = ReferenceMerkleTree.Mth(forkedLeaves, 0, 100);
        Assert.False(MerkleProofs.VerifyConsistency(100, 300, forkedFirstRoot, Tree.RootAt(300), proof));
        Assert.False(MerkleProofs.VerifyConsistency(100, 300, Tree.RootAt(100), ReferenceMerkleTree.Mth(forkedLeaves, 0, 300), proof));
        Assert.False(MerkleProofs.VerifyConsistency(300, 100, Tree.RootAt(300), Tree.RootAt(100), proof));
    }

    [Fact]
    public void Equal_sizes_are_consistent_only_with_the_same_root_and_an_empty_proof()
    {
        Assert.True(MerkleProofs.VerifyConsistency(50, 50, Tree.RootAt(50), Tree.RootAt(50), []));
        Assert.False(MerkleProofs.VerifyConsistency(50, 50, Tree.RootAt(50), Tree.RootAt(51), []));
        Assert.True(MerkleProofs.VerifyConsistency(0, 50, Tree.RootAt(0), Tree.RootAt(50), []));
    }

    [Fact]
    public void Proofs_cannot_be_asked_beyond_the_tree()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tree.RootAt(301));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tree.InclusionProof(300, 300));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tree.ConsistencyProof(10, 301));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tree.ConsistencyProof(11, 10));
    }
}

public sealed class MerkleTreeRandomisedTests
{
    [Fact]
    public void Random_inclusion_and_consistency_proofs_in_larger_trees_match_the_rfc_and_verify()
    {
        var random = new Random(6962);
        var leaves = Enumerable.Range(0, 5000).Select(i => ReferenceMerkleTree.LeafHash(BitConverter.GetBytes(i))).ToList();
        var tree = new MerkleTree();
        tree.AppendRange(leaves);
        for (var trial = 0; trial < 60; trial++)
        {
            var size = random.Next(1, leaves.Count + 1);
            var index = random.Next(size);
            var first = random.Next(1, size + 1);
            var root = tree.RootAt((ulong)size);
            Assert.Equal(ReferenceMerkleTree.Mth(leaves, 0, size), root);

            var inclusion = tree.InclusionProof((ulong)index, (ulong)size);
            Assert.Equal(ReferenceMerkleTree.Path(index, leaves, 0, size), inclusion);
            Assert.True(MerkleProofs.VerifyInclusion((ulong)index, (ulong)size, leaves[index], inclusion, root));

            var consistency = tree.ConsistencyProof((ulong)first, (ulong)size);
            Assert.Equal(ReferenceMerkleTree.Proof(first, leaves, size), consistency);
            Assert.True(MerkleProofs.VerifyConsistency((ulong)first, (ulong)size, tree.RootAt((ulong)first), root, consistency));
        }
    }
}
