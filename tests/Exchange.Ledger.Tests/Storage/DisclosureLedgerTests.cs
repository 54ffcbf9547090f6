using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Entries;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Tests.Support;
using Exchange.Ledger.Verification;

namespace Exchange.Ledger.Tests.Storage;

public sealed class DisclosureLedgerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [BothStores]
    public async Task Appends_get_dense_sequences_from_zero_and_the_ledger_sets_time_without_touching_the_callers_entries(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync();
        var first = SampleEntries.Decision("subject-a");
        var before = first.Clone();

        var sequences = await ledger.AppendAsync([first, SampleEntries.Decision("subject-b")], Ct);
        var more = await ledger.AppendAsync([SampleEntries.Decision("subject-c")], Ct);

        Assert.Equal([0UL, 1UL], sequences);
        Assert.Equal([2UL], more);
        Assert.Equal(before, first);
        var stored = await ledger.ReadEntriesAsync(0, 10, Ct);
        Assert.Equal(["subject-a", "subject-b", "subject-c"], stored.Select(e => e.Entry.SubjectPseudonym));
        Assert.Equal([0UL, 1UL, 2UL], stored.Select(e => e.Entry.Sequence));
        Assert.All(stored, e => Assert.NotNull(e.Entry.RecordedAt));
        Assert.All(stored, e => Assert.Equal(LedgerEntryCodec.Encode(e.Entry), e.Encoded));
    }

    [Theory]
    [BothStores]
    public async Task Concurrent_appends_share_transactions_with_group_commit_and_each_gets_its_own_sequences(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(async writer =>
        {
            var mine = new List<ulong>();
            for (var i = 0; i < 20; i++)
            {
                mine.AddRange(await ledger.AppendAsync([SampleEntries.Decision($"w{writer}-{i}")], Ct));
            }

            return mine;
        }));

        var all = results.SelectMany(r => r).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 640).Select(i => (ulong)i), all);
        Assert.True(ledger.Commits < 640, $"{ledger.Commits} commits for 640 concurrent appends");
        Assert.True((await LedgerVerifier.VerifyStoreAsync(ledger.Store, null, Ct)).Succeeded);
    }

    [Theory]
    [BothStores]
    public async Task Without_group_commit_every_append_is_its_own_transaction(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync(test.Options with { GroupCommit = false });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
        {
            for (var i = 0; i < 5; i++)
            {
                await ledger.AppendAsync([SampleEntries.Decision($"w{w}-{i}")], Ct);
            }
        }));

        Assert.Equal(40, ledger.Commits);
        Assert.Equal(40UL, ledger.Size);
    }

    [Theory]
    [BothStores]
    public async Task After_a_restart_the_entries_tree_and_checkpoints_are_back_and_appending_continues(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        byte[] root;
        string verifierKey;
        await using (var ledger = await test.OpenAsync())
        {
            for (var i = 0; i < 5; i++)
            {
                await ledger.AppendAsync([SampleEntries.Decision($"s{i}")], Ct);
            }

            root = (await ledger.CheckpointAsync(Ct)).RootHash;
            verifierKey = ledger.VerifierKey;
        }

        await using var reopened = await test.OpenAsync();
        Assert.Equal(5UL, reopened.Size);
        Assert.Equal(verifierKey, reopened.VerifierKey);
        Assert.Equal(root, reopened.RootAt(5));
        Assert.Equal(5UL, reopened.LatestCheckpoint?.TreeSize);
        Assert.Equal([5UL], await reopened.AppendAsync([SampleEntries.Decision("s5")], Ct));
    }

    [Theory]
    [BothStores]
    public async Task A_checkpoint_is_signed_for_the_current_size_and_reused_while_the_tree_does_not_grow(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync();
        var empty = await ledger.CheckpointAsync(Ct);
        await ledger.AppendAsync([SampleEntries.Decision("s0"), SampleEntries.Decision("s1")], Ct);

        var checkpoint = await ledger.CheckpointAsync(Ct);
        var again = await ledger.CheckpointAsync(Ct);

        Assert.Equal(0UL, empty.TreeSize);
        Assert.Equal(MerkleHash.EmptyRoot(), empty.RootHash);
        Assert.Equal(2UL, checkpoint.TreeSize);
        Assert.Same(checkpoint, again);
        Assert.NotNull(SignedCheckpoint.Open(checkpoint.Note, NoteVerifier.Parse(ledger.VerifierKey), out _));
        Assert.Equal(2, (await ledger.Store.ReadCheckpointsAsync(Ct)).Count);
    }

    [Theory]
    [BothStores]
    public async Task Proofs_served_by_the_ledger_verify_against_its_signed_checkpoints(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync();
        await ledger.AppendAsync(Enumerable.Range(0, 13).Select(i => SampleEntries.Decision($"s{i}")).ToList(), Ct);
        var old = await ledger.CheckpointAsync(Ct);
        await ledger.AppendAsync(Enumerable.Range(13, 20).Select(i => SampleEntries.Decision($"s{i}")).ToList(), Ct);
        var current = await ledger.CheckpointAsync(Ct);
        var entry = (await ledger.ReadEntriesAsync(11, 1, Ct))[0];

        var inclusion = ledger.ProveInclusion(11, 0);
        var consistency = ledger.ProveConsistency(old.TreeSize, current.TreeSize);

        Assert.Equal(MerkleHash.Leaf(entry.Encoded), inclusion.LeafHash);
        Assert.True(MerkleProofs.VerifyInclusion(11, current.TreeSize, inclusion.LeafHash, inclusion.Hashes, current.RootHash));
        Assert.True(MerkleProofs.VerifyConsistency(old.TreeSize, current.TreeSize, old.RootHash, current.RootHash, consistency));
    }

    [Theory]
    [BothStores]
    public async Task The_ledger_refuses_to_open_with_a_signing_key_other_than_the_one_it_was_created_with(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using (var ledger = await test.OpenAsync())
        {
            await ledger.AppendAsync([SampleEntries.Decision("s0")], Ct);
        }

        var otherKey = test.Options with { SigningKeyPath = Path.Combine(test.Directory.FullName, "other.key") };
        await Assert.ThrowsAsync<LedgerIntegrityException>(() => test.OpenAsync(otherKey));
    }

    [Theory]
    [BothStores]
    public async Task The_ledger_refuses_to_open_when_its_rows_no_longer_match_the_latest_signed_checkpoint(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using (var ledger = await test.OpenAsync())
        {
            await ledger.AppendAsync([SampleEntries.Decision("s0"), SampleEntries.Decision("s1")], Ct);
            await ledger.CheckpointAsync(Ct);
        }

        await RawSql.ExecuteAsync(test, "UPDATE ledger_entries SET leaf_hash = (SELECT leaf_hash FROM ledger_entries WHERE sequence = 0) WHERE sequence = 1");

        await Assert.ThrowsAsync<LedgerIntegrityException>(() => test.OpenAsync());
    }

    [Theory]
    [BothStores]
    public async Task The_application_account_cannot_update_or_delete_ledger_rows(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync();
        await ledger.AppendAsync([SampleEntries.Decision("s0")], Ct);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            RawSql.ExecuteWithTriggersAsync(test, "UPDATE ledger_entries SET subject_pseudonym = 'x'"));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            RawSql.ExecuteWithTriggersAsync(test, "DELETE FROM ledger_entries"));
        Assert.Equal(1L, Convert.ToInt64(await RawSql.ScalarAsync(test, "SELECT COUNT(*) FROM ledger_entries"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [BothStores]
    public async Task A_second_ledger_cannot_write_to_a_store_while_the_first_has_it_open(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        await using (var first = await test.OpenAsync())
        {
            await first.AppendAsync([SampleEntries.Decision("s0")], Ct);

            var refused = await Assert.ThrowsAsync<LedgerUnavailableException>(() => test.OpenAsync());
            Assert.Contains("Another ledger is already writing", refused.Message, StringComparison.Ordinal);
            Assert.True((await LedgerVerifier.VerifyStoreAsync(first.Store, null, Ct)).Succeeded);
        }

        await using var second = await test.OpenAsync();
        Assert.Equal([1UL], await second.AppendAsync([SampleEntries.Decision("s1")], Ct));
    }

    [Fact]
    public async Task Incomplete_entries_are_refused_naming_the_field_and_nothing_is_written()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        await using var ledger = await test.OpenAsync();
        var noSubject = SampleEntries.Decision(string.Empty);
        var reviewOfTheFuture = SampleEntries.Review(5, ReviewState.Approved);
        var noKind = SampleEntries.Decision("s");
        noKind.Kind = EntryKind.Unspecified;

        Assert.Equal("entries[1].subject_pseudonym",
            (await Assert.ThrowsAsync<LedgerEntryException>(async () => await ledger.AppendAsync([SampleEntries.Decision("s"), noSubject], Ct))).Field);
        Assert.Equal("entries[0].concerns_sequence",
            (await Assert.ThrowsAsync<LedgerEntryException>(async () => await ledger.AppendAsync([reviewOfTheFuture], Ct))).Field);
        Assert.Equal("entries[0].kind",
            (await Assert.ThrowsAsync<LedgerEntryException>(async () => await ledger.AppendAsync([noKind], Ct))).Field);
        Assert.Equal("entries",
            (await Assert.ThrowsAsync<LedgerEntryException>(async () => await ledger.AppendAsync([], Ct))).Field);
        Assert.Equal(0UL, ledger.Size);
    }

    [Fact]
    public async Task A_holders_decision_must_name_the_request_and_who_decided_and_concern_a_recorded_entry()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        await using var ledger = await test.OpenAsync();
        await ledger.AppendAsync([SampleEntries.Decision("s")], Ct);
        LedgerEntry Decided(Action<LedgerEntry> change)
        {
            var entry = new LedgerEntry
            {
                Kind = EntryKind.HolderDecision,
                HolderDecisionId = "d-1",
                DecidedBy = new Contracts.V1.Actor { OrganisationId = "swt-tilburg", Role = "sociaal werker", ProfessionalId = "sw-0042" },
                Decision = Contracts.V1.Decision.Permit,
                ConcernsSequence = 0,
            };
            change(entry);
            return entry;
        }

        Assert.Equal("entries[0].decided_by.organisation_id",
            (await Assert.ThrowsAsync<LedgerEntryException>(async () => await ledger.AppendAsync([Decided(e => e.DecidedBy = null)], Ct))).Field);
        Assert.Equal("entries[0].holder_decision_id",
            (await Assert.ThrowsAsync<LedgerEntryException>(async () => await ledger.AppendAsync([Decided(e => e.HolderDecisionId = string.Empty)], Ct))).Field);
        Assert.Equal("entries[0].concerns_sequence",
            (await Assert.ThrowsAsync<LedgerEntryException>(async () => await ledger.AppendAsync([Decided(e => e.ClearConcernsSequence())], Ct))).Field);
        Assert.Equal([1UL], await ledger.AppendAsync([Decided(_ => { })], Ct));
    }

    [Fact]
    public async Task When_the_store_cannot_commit_the_append_fails_and_the_ledger_recovers_once_it_can()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        await using var ledger = await test.OpenAsync(test.Options with { SqliteBusyTimeout = TimeSpan.FromMilliseconds(50) });
        await ledger.AppendAsync([SampleEntries.Decision("s0")], Ct);

        // Another connection holds SQLite's write lock longer than the writer waits for it.
        var locked = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={test.Target};Pooling=false");
        await locked.OpenAsync(Ct);
        await using (var hold = locked.CreateCommand())
        {
            hold.CommandText = "BEGIN EXCLUSIVE";
            await hold.ExecuteNonQueryAsync(Ct);
        }

        await Assert.ThrowsAsync<LedgerUnavailableException>(async () => await ledger.AppendAsync([SampleEntries.Decision("s1")], Ct));
        await locked.DisposeAsync();

        Assert.Equal([1UL], await ledger.AppendAsync([SampleEntries.Decision("s1")], Ct));
        Assert.True((await LedgerVerifier.VerifyStoreAsync(ledger.Store, null, Ct)).Succeeded);
    }
}
