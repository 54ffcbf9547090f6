using Exchange.Ledger.Tests.Support;
using Exchange.Ledger.Verification;

namespace Exchange.Ledger.Tests.Verification;

/// <summary>
/// Someone with write access to the database cuts the ledger's history short, rewrites it after removing every
/// checkpoint, or appends to it. The ledger's own checkpoints live in that database; checkpoints held elsewhere
/// (taken here from append receipts, as recipients keep them) and the signed head of every commit catch it.
/// </summary>
public sealed class CutHistoryTests
{
    private const int Entries = 60;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [BothStores]
    public async Task A_tail_cut_off_with_its_checkpoints_fails_against_a_receipts_checkpoint_naming_the_first_missing_entry(StoreKind kind)
    {
        var (test, receipts) = await CreateLedgerAsync(kind);
        await using var _ = test;
        await HistoryTampering.CutTailAsync(test, 40);

        var alone = await VerifyAsync(test, VerificationOptions.Default);
        var against = await VerifyAsync(test, new([receipts[50]]));

        // On its own the cut ledger is consistent with everything left in its database: that is why receipts carry checkpoints.
        Assert.True(alone.Succeeded, alone.Failure);
        Assert.Equal(40UL, alone.EntriesVerified);
        Assert.False(against.Succeeded);
        Assert.Equal(40UL, against.FirstBadSequence);
        Assert.Equal("it is missing, but the trusted checkpoint for tree size 50 (receipt-50) includes it", against.Failure);
    }

    [Theory]
    [BothStores]
    public async Task Deleting_every_checkpoint_and_then_rewriting_an_entry_consistently_fails_by_default_and_against_receipts(StoreKind kind)
    {
        var (test, receipts) = await CreateLedgerAsync(kind);
        await using var _ = test;
        await HistoryTampering.DeleteEveryCheckpointAsync(test);
        await HistoryTampering.RewriteEntryAsync(test, 41);

        var byDefault = await VerifyAsync(test, VerificationOptions.Default);
        var allowed = await VerifyAsync(test, new([], AllowUnsigned: true));
        var against = await VerifyAsync(test, new([receipts[30], receipts[50]]));

        Assert.False(byDefault.Succeeded);
        Assert.Equal(0UL, byDefault.FirstBadSequence);
        Assert.StartsWith("no signed checkpoint covers it: the ledger has no checkpoints", byDefault.Failure, StringComparison.Ordinal);
        Assert.True(allowed.Succeeded, allowed.Failure);
        Assert.Equal(0UL, allowed.CoveredEntries);
        Assert.False(against.Succeeded);
        Assert.Equal(30UL, against.FirstBadSequence);
        Assert.Equal("the entries from 30 to 49 do not hash to the root of the trusted checkpoint for tree size 50 (receipt-50)", against.Failure);
    }

    [Theory]
    [BothStores]
    public async Task An_entry_appended_outside_the_ledger_fails_verify_by_default_and_the_ledger_refuses_to_start(StoreKind kind)
    {
        var (test, _) = await CreateLedgerAsync(kind);
        await using var __ = test;
        await HistoryTampering.AppendForgedAsync(test);

        var report = await VerifyAsync(test, VerificationOptions.Default);
        var start = await Assert.ThrowsAsync<LedgerIntegrityException>(() => test.OpenAsync());

        Assert.False(report.Succeeded);
        Assert.Equal((ulong)Entries, report.FirstBadSequence);
        Assert.StartsWith("no signed checkpoint covers it (the latest covers 60 entries)", report.Failure, StringComparison.Ordinal);
        Assert.Contains("Entries 60 to 60 are covered by no signed checkpoint", start.Message, StringComparison.Ordinal);
    }

    [Theory]
    [BothStores]
    public async Task A_history_rewritten_and_resigned_with_the_ledgers_own_key_fails_against_receipts(StoreKind kind)
    {
        var (test, receipts) = await CreateLedgerAsync(kind);
        await using var _ = test;
        await HistoryTampering.RewriteEntryAsync(test, 5);
        await HistoryTampering.ResignEverythingAsync(test, 20, 40, 60);

        var alone = await VerifyAsync(test, VerificationOptions.Default);
        var against = await VerifyAsync(test, new([receipts[30], receipts[50]]));

        Assert.True(alone.Succeeded, alone.Failure);
        Assert.False(against.Succeeded);
        // The ledger's own checkpoints were remade and match: the range starts after the last trusted match.
        Assert.Equal(0UL, against.FirstBadSequence);
        Assert.Equal("the entries from 0 to 29 do not hash to the root of the trusted checkpoint for tree size 30 (receipt-30)", against.Failure);
    }

    [Theory]
    [BothStores]
    public async Task An_untouched_ledger_is_consistent_with_every_receipts_checkpoint(StoreKind kind)
    {
        var (test, receipts) = await CreateLedgerAsync(kind);
        await using var _ = test;

        var report = await VerifyAsync(test, new([.. receipts.Values]));

        Assert.True(report.Succeeded, report.Failure);
        Assert.Equal(receipts.Count, report.TrustedCheckpointsVerified);
        Assert.Equal((ulong)Entries, report.CoveredEntries);
    }

    /// <summary>60 entries with the ledger's checkpoints at 20, 40 and 60; the checkpoint of every tenth append's receipt, by tree size.</summary>
    private static async Task<(TestLedger Test, Dictionary<int, TrustedCheckpoint> Receipts)> CreateLedgerAsync(StoreKind kind)
    {
        var test = await TestLedger.CreateAsync(kind);
        var receipts = new Dictionary<int, TrustedCheckpoint>();
        await using var ledger = await test.OpenAsync();
        for (var i = 0; i < Entries; i++)
        {
            var append = await ledger.AppendWithCheckpointAsync([SampleEntries.Decision($"subject-{i}")], Ct);
            if ((i + 1) % 10 == 0)
            {
                receipts[i + 1] = new TrustedCheckpoint($"receipt-{i + 1}", append.Checkpoint.Note);
            }

            if ((i + 1) % 20 == 0)
            {
                await ledger.CheckpointAsync(Ct);
            }
        }

        return (test, receipts);
    }

    private static async Task<VerificationReport> VerifyAsync(TestLedger test, VerificationOptions options)
    {
        await using var store = DisclosureLedger.CreateStore(test.Options);
        await store.InitializeAsync(Ct);
        return await LedgerVerifier.VerifyStoreAsync(store, null, options, Ct);
    }
}
