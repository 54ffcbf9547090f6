using System.Text.Json;
using System.Text.Json.Nodes;
using Exchange.Ledger.Export;
using Exchange.Ledger.Tests.Support;

namespace Exchange.Ledger.Tests.Export;

/// <summary>`exchange ledger export` and `exchange ledger verify`, run as the privacy officer would.</summary>
public sealed class ExportAndVerifyCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TestLedger> CreateAsync(StoreKind kind, int entries = 50)
    {
        var test = await TestLedger.CreateAsync(kind);
        await using var ledger = await test.OpenAsync();
        for (var i = 0; i < entries; i++)
        {
            await ledger.AppendAsync([SampleEntries.Decision($"subject-{i}")], Ct);
            if (i % 10 == 9)
            {
                await ledger.CheckpointAsync(Ct);
            }
        }

        return test;
    }

    private static string VerifierKeyOf(TestLedger test)
    {
        using var signer = Ledger.Checkpoints.NoteSigner.LoadOrCreate(test.Options.SigningKeyPath, test.Options.Origin);
        return signer.VerifierKey;
    }

    private static string[] StoreArguments(TestLedger test) =>
        test.Kind == StoreKind.Postgres ? ["--postgres", test.Target] : ["--sqlite", test.Target];

    [Theory]
    [BothStores]
    public async Task A_live_store_verifies_with_a_summary_line_and_exit_code_zero(StoreKind kind)
    {
        await using var test = await CreateAsync(kind);
        var key = VerifierKeyOf(test);
        var (exit, output, _) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", .. StoreArguments(test), "--public-key", key]);

        Assert.Equal(0, exit);
        Assert.Contains("ledger verified: 50 entries and 5 signed checkpoints", output, StringComparison.Ordinal);
    }

    [Theory]
    [BothStores]
    public async Task Verify_on_a_store_with_one_edited_row_names_that_entry_and_exits_non_zero(StoreKind kind)
    {
        await using var test = await CreateAsync(kind);
        await RawSql.ExecuteAsync(test, "UPDATE ledger_entries SET legal_basis_id = 'wpg-19' WHERE sequence = 41");

        var (exit, output, _) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", .. StoreArguments(test)]);

        Assert.Equal(1, exit);
        Assert.Contains("entry 41 does not verify: its indexed columns differ from its hashed content", output, StringComparison.Ordinal);
    }

    [Theory]
    [BothStores]
    public async Task An_export_verifies_offline_with_only_the_public_key_file(StoreKind kind)
    {
        await using var test = await CreateAsync(kind);
        var key = VerifierKeyOf(test);
        var export = Path.Combine(test.Directory.FullName, "ledger.jsonl");
        var keyFile = Path.Combine(test.Directory.FullName, "ledger.pub");
        await File.WriteAllTextAsync(keyFile, key + "\n", Ct);

        var exported = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "export", .. StoreArguments(test), "--out", export]);
        var verified = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", "--export", export, "--public-key", keyFile]);

        Assert.Equal(0, exported.ExitCode);
        Assert.Contains("exported 50 entries and 5 signed checkpoints", exported.Output, StringComparison.Ordinal);
        Assert.Equal(0, verified.ExitCode);
        Assert.Contains("ledger verified: 50 entries and 5 signed checkpoints", verified.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_checked_against_another_key_does_not_verify()
    {
        await using var test = await CreateAsync(StoreKind.Sqlite, 12);
        var export = Path.Combine(test.Directory.FullName, "ledger.jsonl");
        await ExportAsync(test, export);
        using var other = Ledger.Checkpoints.NoteSigner.Generate("exchange.test/ledger");

        var (exit, output, _) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", "--export", export, "--public-key", other.VerifierKey]);

        Assert.Equal(1, exit);
        Assert.Contains("checkpoint does not verify", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("changed")]
    [InlineData("deleted")]
    [InlineData("swapped")]
    public async Task An_export_with_one_entry_changed_deleted_or_swapped_does_not_verify_and_names_where(string tampering)
    {
        await using var test = await CreateAsync(StoreKind.Sqlite, 30);
        var key = VerifierKeyOf(test);
        var export = Path.Combine(test.Directory.FullName, "ledger.jsonl");
        await ExportAsync(test, export);
        var lines = (await File.ReadAllLinesAsync(export, Ct)).ToList();
        var first = lines.FindIndex(l => l.Contains("\"sequence\":17,", StringComparison.Ordinal));
        switch (tampering)
        {
            case "changed":
                var record = JsonNode.Parse(lines[first])!;
                var bytes = Convert.FromBase64String(record["entry"]!.GetValue<string>());
                var entry = Ledger.Entries.LedgerEntryCodec.Decode(bytes);
                entry.LegalBasisId = "wpg-19";
                record["entry"] = Convert.ToBase64String(Ledger.Entries.LedgerEntryCodec.Encode(entry));
                lines[first] = record.ToJsonString();
                break;
            case "deleted":
                lines.RemoveAt(first);
                break;
            default:
                (lines[first], lines[first + 1]) = (lines[first + 1], lines[first]);
                break;
        }

        await File.WriteAllLinesAsync(export, lines, Ct);

        var (exit, output, _) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", "--export", export, "--public-key", key]);

        Assert.Equal(1, exit);
        // A deleted or moved line is named exactly. A re-encoded entry is self-consistent (an export
        // carries no separate leaf hash or columns), so the signed checkpoint at 20 catches it and the
        // report names the first entry after the last checkpoint that still matched (10).
        Assert.Contains(tampering == "changed"
            ? "entry 10 does not verify: the entries from 10 to 19 do not hash to the root of the signed checkpoint for tree size 20"
            : "entry 17 does not verify", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_export_file_is_a_header_then_checkpoints_then_entries_as_json_lines()
    {
        await using var test = await CreateAsync(StoreKind.Sqlite, 12);
        var key = VerifierKeyOf(test);
        var export = Path.Combine(test.Directory.FullName, "ledger.jsonl");
        await ExportAsync(test, export);
        var lines = await File.ReadAllLinesAsync(export, Ct);

        using var header = JsonDocument.Parse(lines[0]);
        Assert.Equal(LedgerExport.Format, header.RootElement.GetProperty("format").GetString());
        Assert.Equal(key, header.RootElement.GetProperty("verifier_key").GetString());
        Assert.Equal(12, header.RootElement.GetProperty("entries").GetInt32());
        // The checkpoint stored at 10, then the signed head that covers all 12 entries.
        Assert.Equal(1 + 2 + 12, lines.Length);
        Assert.StartsWith("{\"tree_size\":10,\"note\":\"exchange.test/ledger\\n10\\n", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("{\"tree_size\":12,\"note\":\"exchange.test/ledger\\n12\\n", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("{\"sequence\":0,\"entry\":\"", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_whose_header_lies_exits_two_naming_the_line_and_what_is_wrong()
    {
        await using var test = await CreateAsync(StoreKind.Sqlite, 12);
        var key = VerifierKeyOf(test);
        var export = Path.Combine(test.Directory.FullName, "ledger.jsonl");
        await ExportAsync(test, export);
        var lines = await File.ReadAllLinesAsync(export, Ct);
        lines[0] = lines[0].Replace("\"checkpoints\":2", "\"checkpoints\":3", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(export, lines, Ct);

        var (exit, output, error) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", "--export", export, "--public-key", key]);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("is not a well-formed ledger export: line 4: an entry record where checkpoint 3 of the 3 the header announces was expected", error, StringComparison.Ordinal);
        Assert.DoesNotContain("dictionary", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_without_a_store_or_with_a_missing_file_exits_two_with_a_reason()
    {
        var none = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify"]);
        var missing = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", "--sqlite", "/nonexistent/ledger.db"]);

        Assert.Equal(2, none.ExitCode);
        Assert.Contains("exactly one of", none.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
    }

    [Theory]
    [BothStores]
    public async Task A_ledger_cut_short_with_its_checkpoints_fails_against_a_checkpoint_file_kept_elsewhere_naming_the_first_missing_entry(StoreKind kind)
    {
        await using var test = await CreateAsync(kind);
        var kept = Path.Combine(test.Directory.FullName, "receipt-50.checkpoint");
        await File.WriteAllTextAsync(kept, await HeadNoteAsync(test), Ct);
        await HistoryTampering.CutTailAsync(test, 30);

        var alone = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", .. StoreArguments(test)]);
        var against = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", .. StoreArguments(test), "--trusted-checkpoint", kept]);

        Assert.Equal(0, alone.ExitCode);
        Assert.Contains("pass them with --trusted-checkpoint", alone.Output, StringComparison.Ordinal);
        Assert.Equal(1, against.ExitCode);
        Assert.Contains("entry 30 does not verify: it is missing, but the trusted checkpoint for tree size 50 (receipt-50.checkpoint) includes it",
            against.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_without_any_signed_checkpoint_fails_by_default_and_passes_only_knowingly_with_allow_unsigned()
    {
        await using var test = await CreateAsync(StoreKind.Sqlite, entries: 12);
        await HistoryTampering.DeleteEveryCheckpointAsync(test);

        var byDefault = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", .. StoreArguments(test)]);
        var allowed = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", .. StoreArguments(test), "--allow-unsigned"]);

        Assert.Equal(1, byDefault.ExitCode);
        Assert.Contains("entry 0 does not verify: no signed checkpoint covers it", byDefault.Output, StringComparison.Ordinal);
        Assert.Equal(0, allowed.ExitCode);
        Assert.Contains("warning: entries 0 to 11 are covered by no signed checkpoint; accepted because of --allow-unsigned", allowed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trusted_checkpoint_file_that_is_not_a_signed_note_exits_two_naming_the_file()
    {
        await using var test = await CreateAsync(StoreKind.Sqlite, entries: 3);
        var kept = Path.Combine(test.Directory.FullName, "not-a-note.txt");
        await File.WriteAllTextAsync(kept, "exchange.test/ledger\n3\n", Ct);

        var (exit, _, error) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", .. StoreArguments(test), "--trusted-checkpoint", kept]);

        Assert.Equal(2, exit);
        Assert.Contains("not-a-note.txt is not a signed checkpoint", error, StringComparison.Ordinal);
    }

    private static async Task<string> HeadNoteAsync(TestLedger test)
    {
        await using var store = DisclosureLedger.CreateStore(test.Options);
        await store.InitializeAsync(Ct);
        return (await store.ReadSnapshotAsync(Ct)).Head!.Note;
    }

    private static async Task ExportAsync(TestLedger test, string path)
    {
        await using var store = DisclosureLedger.CreateStore(test.Options);
        await store.InitializeAsync(Ct);
        await using var file = File.Create(path);
        await LedgerExport.WriteAsync(store, file, TimeProvider.System, Ct);
    }
}
