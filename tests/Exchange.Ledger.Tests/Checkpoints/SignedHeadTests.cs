using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Tests.Support;

namespace Exchange.Ledger.Tests.Checkpoints;

/// <summary>Every commit stores a signed checkpoint covering exactly the entries it completes, and hands it to the appender.</summary>
public sealed class SignedHeadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [BothStores]
    public async Task Every_append_is_durable_with_a_signed_head_that_covers_exactly_the_stored_entries(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync();
        await ledger.AppendAsync([SampleEntries.Decision("a"), SampleEntries.Decision("a")], Ct);
        var append = await ledger.AppendWithCheckpointAsync([SampleEntries.Decision("b"), SampleEntries.Decision("c")], Ct);

        var snapshot = await ledger.Store.ReadSnapshotAsync(Ct);

        Assert.Equal(4UL, snapshot.EntryCount);
        Assert.Equal(append.Checkpoint.Note, snapshot.Head!.Note);
        Assert.Equal(4UL, append.Checkpoint.TreeSize);
        Assert.Equal([2UL, 3UL], append.Sequences);
    }

    [Theory]
    [BothStores]
    public async Task An_appends_checkpoint_verifies_with_the_published_key_and_proves_its_entries_included(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync();
        await ledger.AppendAsync([SampleEntries.Decision("a")], Ct);
        var append = await ledger.AppendWithCheckpointAsync([SampleEntries.Decision("b"), SampleEntries.Decision("c")], Ct);
        await ledger.AppendAsync([SampleEntries.Decision("d")], Ct);

        var opened = SignedCheckpoint.Open(append.Checkpoint.Note, NoteVerifier.Parse(ledger.VerifierKey), out var failure);

        Assert.NotNull(opened);
        Assert.Null(failure);
        for (var i = 0; i < append.Sequences.Count; i++)
        {
            var proof = ledger.ProveInclusion(append.Sequences[i], opened.TreeSize);
            Assert.True(MerkleProofs.VerifyInclusion(append.Sequences[i], opened.TreeSize, append.LeafHashes[i], proof.Hashes, opened.RootHash));
        }
    }

    [Fact]
    public async Task A_stored_checkpoint_is_the_head_of_the_same_size_so_receipts_and_published_checkpoints_are_one_note()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        await using var ledger = await test.OpenAsync();
        var append = await ledger.AppendWithCheckpointAsync([SampleEntries.Decision("a")], Ct);

        var checkpoint = await ledger.CheckpointAsync(Ct);

        Assert.Equal(append.Checkpoint.Note, checkpoint.Note);
    }

    [Theory]
    [BothStores]
    public async Task The_ledger_refuses_to_start_when_entries_its_head_counts_were_deleted(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using (var ledger = await test.OpenAsync())
        {
            for (var i = 0; i < 5; i++)
            {
                await ledger.AppendAsync([SampleEntries.Decision($"s-{i}")], Ct);
            }
        }

        await RawSql.ExecuteAsync(test, "DELETE FROM ledger_entries WHERE sequence = 4");

        var failure = await Assert.ThrowsAsync<LedgerIntegrityException>(() => test.OpenAsync());
        Assert.Contains("signed head", failure.Message, StringComparison.Ordinal);
    }
}
