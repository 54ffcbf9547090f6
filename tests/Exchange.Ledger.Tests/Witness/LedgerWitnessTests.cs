using System.Security.Cryptography;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Witness;

namespace Exchange.Ledger.Tests.Witness;

/// <summary>The witness cosigns a ledger's checkpoints only as they grow consistently, and remembers, across restarts, what it cosigned.</summary>
public sealed class LedgerWitnessTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("ledger-witness-");
    private readonly NoteSigner _log = NoteSigner.Generate("exchange.test/ledger");
    private readonly WitnessKey _key;
    private readonly MerkleTree _tree = new();

    public LedgerWitnessTests()
    {
        _key = WitnessKey.LoadOrCreate(Path.Combine(_directory.FullName, "witness.key"), "witness.test");
        Grow(_tree, 60);
    }

    public void Dispose()
    {
        _key.Dispose();
        _log.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void A_first_checkpoint_is_cosigned_with_a_cosignature_that_verifies_with_the_witness_key_and_is_kept()
    {
        var checkpoint = Checkpoint(_tree, 20);

        var answer = Witness().AddCheckpoint(Body(0, [], checkpoint));

        Assert.Equal(200, answer.Status);
        Assert.True(WitnessKey.HasCosignature(checkpoint.Note + answer.Body, _key.VerifierKey));
        Assert.False(WitnessKey.HasCosignature(Checkpoint(_tree, 21).Note + answer.Body, _key.VerifierKey));
        Assert.Equal(checkpoint.Note, Witness().Latest(_log.Name));
    }

    [Fact]
    public void A_checkpoint_that_extends_the_last_cosigned_one_with_a_valid_consistency_proof_is_cosigned()
    {
        var witness = Witness();
        witness.AddCheckpoint(Body(0, [], Checkpoint(_tree, 20)));

        var answer = witness.AddCheckpoint(Body(20, _tree.ConsistencyProof(20, 50), Checkpoint(_tree, 50)));

        Assert.Equal(200, answer.Status);
        Assert.Equal(Checkpoint(_tree, 50).Note, witness.Latest(_log.Name));
    }

    [Fact]
    public void A_rolled_back_checkpoint_is_refused_whatever_old_size_the_caller_claims_and_after_a_restart()
    {
        Witness().AddCheckpoint(Body(0, [], Checkpoint(_tree, 50)));
        var restarted = Witness();

        var honestOld = restarted.AddCheckpoint(Body(50, [], Checkpoint(_tree, 40)));
        var claimedOld = restarted.AddCheckpoint(Body(40, [], Checkpoint(_tree, 40)));

        Assert.Equal(400, honestOld.Status);
        Assert.Contains("rollback", honestOld.Body, StringComparison.Ordinal);
        Assert.Equal(409, claimedOld.Status);
        Assert.Equal("text/x.tlog.size", claimedOld.ContentType);
        Assert.Equal("50\n", claimedOld.Body);
        Assert.Equal(Checkpoint(_tree, 50).Note, restarted.Latest(_log.Name));
    }

    [Fact]
    public void A_fork_signed_with_the_ledgers_own_key_is_refused_at_the_same_size_and_when_larger()
    {
        var witness = Witness();
        witness.AddCheckpoint(Body(0, [], Checkpoint(_tree, 40)));
        // The same key signs a history in which entry 30 was rewritten: every tree from 31 entries on differs.
        var fork = new MerkleTree();
        Grow(fork, 30);
        fork.Append(SHA256.HashData("rewritten"u8));
        for (var i = 31UL; i < _tree.Size; i++)
        {
            fork.Append(_tree.Leaf(i));
        }

        var sameSize = witness.AddCheckpoint(Body(40, [], Checkpoint(fork, 40)));
        var larger = witness.AddCheckpoint(Body(40, fork.ConsistencyProof(40, 60), Checkpoint(fork, 60)));

        Assert.Equal(422, sameSize.Status);
        Assert.Equal(422, larger.Status);
        Assert.Equal(Checkpoint(_tree, 40).Note, witness.Latest(_log.Name));
    }

    [Fact]
    public void A_checkpoint_of_an_unknown_log_or_with_a_signature_that_does_not_verify_is_not_cosigned()
    {
        using var other = NoteSigner.Generate("other.test/log");
        using var impostor = NoteSigner.Generate(_log.Name);

        var unknown = Witness().AddCheckpoint(Body(0, [], SignedCheckpoint.Create(other, 10, _tree.RootAt(10), DateTimeOffset.UnixEpoch)));
        var forged = Witness().AddCheckpoint(Body(0, [], SignedCheckpoint.Create(impostor, 10, _tree.RootAt(10), DateTimeOffset.UnixEpoch)));
        var malformed = Witness().AddCheckpoint("old ten\n\n" + Checkpoint(_tree, 10).Note);

        Assert.Equal(404, unknown.Status);
        Assert.Equal(403, forged.Status);
        Assert.Equal(400, malformed.Status);
        Assert.Null(Witness().Latest(_log.Name));
    }

    private LedgerWitness Witness() =>
        new(_key, [_log.VerifierKey], Path.Combine(_directory.FullName, "state"), TimeProvider.System);

    private SignedCheckpoint Checkpoint(MerkleTree tree, ulong size) =>
        SignedCheckpoint.Create(_log, size, tree.RootAt(size), DateTimeOffset.UnixEpoch);

    internal static string Body(ulong old, IReadOnlyList<byte[]> proof, SignedCheckpoint checkpoint) =>
        WitnessSubmission.Body(old, proof, checkpoint.Note);

    private static void Grow(MerkleTree tree, int count)
    {
        for (var i = 0; i < count; i++)
        {
            tree.Append(SHA256.HashData(BitConverter.GetBytes(i)));
        }
    }
}
