using Exchange.Ledger.Tests.Support;
using Exchange.Ledger.Verification;

namespace Exchange.Ledger.Tests.Verification;

/// <summary>Someone with write access to the database edits the ledger directly; verify must name the first bad entry.</summary>
public sealed class TamperTests
{
    private const int Entries = 60;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [BothStores]
    public async Task An_untouched_ledger_verifies(StoreKind kind)
    {
        await using var test = await CreateLedgerAsync(kind);

        var report = await VerifyAsync(test);

        Assert.True(report.Succeeded, report.Failure);
        Assert.Equal((ulong)Entries, report.EntriesVerified);
        Assert.Equal(3, report.CheckpointsVerified);
    }

    public static TheoryData<StoreKind, string, long, string> DirectEdits()
    {
        var data = new TheoryData<StoreKind, string, long, string>();
        foreach (var kind in new[] { StoreKind.Sqlite, StoreKind.Postgres })
        {
            // Change one indexed column: every query would lie about this entry.
            data.Add(kind, "UPDATE ledger_entries SET holder_organisation_id = 'someone-else' WHERE sequence = 41", 41, "indexed columns");
            data.Add(kind, "DELETE FROM ledger_entries WHERE sequence = 41", 41, "missing");
            // The last row: only the signed checkpoint still counts it.
            data.Add(kind, $"DELETE FROM ledger_entries WHERE sequence = {Entries - 1}", Entries - 1, "missing");
            // Swap two whole rows by their sequence numbers.
            data.Add(kind, "UPDATE ledger_entries SET sequence = -1 WHERE sequence = 41; UPDATE ledger_entries SET sequence = 41 WHERE sequence = 45; "
                + "UPDATE ledger_entries SET sequence = 45 WHERE sequence = -1", 41, "says it is entry 45");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DirectEdits))]
    public async Task Editing_deleting_or_swapping_rows_with_sql_fails_verify_at_the_first_bad_entry(StoreKind kind, string sql, long firstBad, string reason)
    {
        await using var test = await CreateLedgerAsync(kind);
        await RawSql.ExecuteAsync(test, sql);

        await AssertFirstBadAsync(test, firstBad, reason);
    }

    [Theory]
    [BothStores]
    public async Task Changing_the_stored_entry_bytes_fails_verify_at_that_entry(StoreKind kind)
    {
        await using var test = await CreateLedgerAsync(kind);
        var replacement = (await ReadEntryBytesAsync(test, 41)).ToArray();
        replacement[^1] ^= 0x01;
        await RawSql.ExecuteAsync(test, "UPDATE ledger_entries SET entry = @entry WHERE sequence = 41", ("@entry", replacement));

        await AssertFirstBadAsync(test, 41, null);
    }

    [Theory]
    [BothStores]
    public async Task A_rewrite_that_keeps_bytes_hash_and_columns_consistent_is_caught_by_the_signed_checkpoint(StoreKind kind)
    {
        await using var test = await CreateLedgerAsync(kind);
        // The careful administrator: re-encodes entry 41 with another subject and recomputes hash and columns.
        var entry = Ledger.Entries.LedgerEntryCodec.Decode(await ReadEntryBytesAsync(test, 41));
        entry.SubjectPseudonym = "someone-else";
        var bytes = Ledger.Entries.LedgerEntryCodec.Encode(entry);
        await RawSql.ExecuteAsync(test,
            "UPDATE ledger_entries SET entry = @entry, leaf_hash = @leaf, subject_pseudonym = 'someone-else' WHERE sequence = 41",
            ("@entry", bytes), ("@leaf", Ledger.Merkle.MerkleHash.Leaf(bytes)));

        // Checkpoints were signed at 20, 40 and 60: the damage lies after the last one that still matches.
        var report = await VerifyAsync(test);
        Assert.False(report.Succeeded);
        Assert.Equal(40UL, report.FirstBadSequence);
        Assert.Contains("signed checkpoint for tree size 60", report.Failure, StringComparison.Ordinal);
    }

    [Theory]
    [BothStores]
    public async Task Swapping_the_contents_of_two_rows_fails_verify_at_the_first_of_them(StoreKind kind)
    {
        await using var test = await CreateLedgerAsync(kind);
        var a = await ReadEntryBytesAsync(test, 41);
        var b = await ReadEntryBytesAsync(test, 45);
        await RawSql.ExecuteAsync(test, "UPDATE ledger_entries SET entry = @b WHERE sequence = 41; UPDATE ledger_entries SET entry = @a WHERE sequence = 45",
            ("@a", a), ("@b", b));

        await AssertFirstBadAsync(test, 41, null);
    }

    [Theory]
    [BothStores]
    public async Task Editing_a_stored_checkpoint_fails_verify(StoreKind kind)
    {
        await using var test = await CreateLedgerAsync(kind);
        await RawSql.ExecuteAsync(test, "UPDATE ledger_checkpoints SET note = REPLACE(note, '\n40\n', '\n39\n') WHERE tree_size = 40");

        var report = await VerifyAsync(test);

        Assert.False(report.Succeeded);
        Assert.Contains("checkpoint does not verify", report.Failure, StringComparison.Ordinal);
    }

    private static async Task<TestLedger> CreateLedgerAsync(StoreKind kind)
    {
        var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync();
        for (var i = 0; i < Entries; i++)
        {
            await ledger.AppendAsync([SampleEntries.Decision($"subject-{i}")], Ct);
            if ((i + 1) % 20 == 0)
            {
                await ledger.CheckpointAsync(Ct);
            }
        }

        return test;
    }

    private static async Task<VerificationReport> VerifyAsync(TestLedger test)
    {
        await using var store = Ledger.DisclosureLedger.CreateStore(test.Options);
        await store.InitializeAsync(Ct);
        return await LedgerVerifier.VerifyStoreAsync(store, null, Ct);
    }

    private static async Task AssertFirstBadAsync(TestLedger test, long sequence, string? reason)
    {
        var report = await VerifyAsync(test);
        Assert.False(report.Succeeded);
        Assert.Equal((ulong)sequence, report.FirstBadSequence);
        if (reason is not null)
        {
            Assert.Contains(reason, report.Failure, StringComparison.Ordinal);
        }
    }

    private static async Task<byte[]> ReadEntryBytesAsync(TestLedger test, long sequence) =>
        (byte[])(await RawSql.ScalarAsync(test, $"SELECT entry FROM ledger_entries WHERE sequence = {sequence}"))!;
}
