using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Entries;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Storage;

namespace Exchange.Ledger.Tests.Support;

/// <summary>
/// What an administrator with write access to the ledger's database (and, where a test says so, its signing key)
/// can do to its history: cut the tail with its checkpoints, rewrite entries consistently, append rows.
/// </summary>
internal static class HistoryTampering
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Deletes the entries from <paramref name="size"/> on and every checkpoint beyond, and makes the head the checkpoint at that size.</summary>
    public static async Task CutTailAsync(TestLedger test, long size)
    {
        var note = (string)(await RawSql.ScalarAsync(test, $"SELECT note FROM ledger_checkpoints WHERE tree_size = {size}"))!;
        await RawSql.ExecuteAsync(test,
            $"DELETE FROM ledger_entries WHERE sequence >= {size}; DELETE FROM ledger_checkpoints WHERE tree_size > {size}; "
            + "UPDATE ledger_head SET tree_size = @size, note = @note",
            ("@size", size), ("@note", note));
    }

    /// <summary>Re-encodes entry <paramref name="sequence"/> with another subject and recomputes its leaf hash and column.</summary>
    public static async Task RewriteEntryAsync(TestLedger test, long sequence)
    {
        var entry = LedgerEntryCodec.Decode((byte[])(await RawSql.ScalarAsync(test, $"SELECT entry FROM ledger_entries WHERE sequence = {sequence}"))!);
        entry.SubjectPseudonym = "someone-else";
        var bytes = LedgerEntryCodec.Encode(entry);
        await RawSql.ExecuteAsync(test,
            $"UPDATE ledger_entries SET entry = @entry, leaf_hash = @leaf, subject_pseudonym = 'someone-else' WHERE sequence = {sequence}",
            ("@entry", bytes), ("@leaf", MerkleHash.Leaf(bytes)));
    }

    public static Task DeleteEveryCheckpointAsync(TestLedger test) =>
        RawSql.ExecuteAsync(test, "DELETE FROM ledger_checkpoints; DELETE FROM ledger_head");

    /// <summary>Stores a well-formed entry after the last one, as an INSERT with every column right would, without touching the head.</summary>
    public static async Task AppendForgedAsync(TestLedger test)
    {
        await using var store = DisclosureLedger.CreateStore(test.Options);
        await store.InitializeAsync(Ct);
        var snapshot = await store.ReadSnapshotAsync(Ct);
        var last = (await store.ReadRowsAsync((ulong)snapshot.LastSequence!.Value, 1, Ct))[0];
        var entry = LedgerEntryCodec.Decode(last.Entry);
        entry.Sequence = (ulong)last.Sequence + 1;
        entry.SubjectPseudonym = "forged";
        var bytes = LedgerEntryCodec.Encode(entry);
        // The store writes the head it is given: the current one, re-signed by nobody.
        using var verifier = NoteSigner.LoadOrCreate(test.Options.SigningKeyPath, test.Options.Origin);
        var head = SignedCheckpoint.Open(snapshot.Head!.Note, verifier.Verifier, out _)!;
        await store.AppendAsync([new StoredEntry(entry.Sequence, bytes, MerkleHash.Leaf(bytes), EntryColumns.From(entry))], head, Ct);
    }

    /// <summary>With the ledger's signing key: replaces every checkpoint and the head by ones signed over the current rows.</summary>
    public static async Task ResignEverythingAsync(TestLedger test, params ulong[] sizes)
    {
        await DeleteEveryCheckpointAsync(test);
        await using var store = DisclosureLedger.CreateStore(test.Options);
        await store.InitializeAsync(Ct);
        var tree = new MerkleTree();
        await foreach (var (_, leaf) in store.ReadLeafHashesAsync(0, Ct))
        {
            tree.Append(leaf);
        }

        using var signer = NoteSigner.LoadOrCreate(test.Options.SigningKeyPath, test.Options.Origin);
        foreach (var size in sizes)
        {
            await store.AddCheckpointAsync(SignedCheckpoint.Create(signer, size, tree.RootAt(size), DateTimeOffset.UtcNow), Ct);
        }

        var head = SignedCheckpoint.Create(signer, tree.Size, tree.RootAt(tree.Size), DateTimeOffset.UtcNow);
        await RawSql.ExecuteAsync(test, "INSERT INTO ledger_head (id, tree_size, note) VALUES (1, @size, @note)",
            ("@size", (long)head.TreeSize), ("@note", head.Note));
    }
}
