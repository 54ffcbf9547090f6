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
        Assert.Equal(1 + 1 + 12, lines.Length);
        Assert.StartsWith("{\"tree_size\":10,\"note\":\"exchange.test/ledger\\n10\\n", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("{\"sequence\":0,\"entry\":\"", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_whose_header_lies_exits_two_naming_the_line_and_what_is_wrong()
    {
        await using var test = await CreateAsync(StoreKind.Sqlite, 12);
        var key = VerifierKeyOf(test);
        var export = Path.Combine(test.Directory.FullName, "ledger.jsonl");
        await ExportAsync(test, export);
        var lines = await File.ReadAllLinesAsync(export, Ct);
        lines[0] = lines[0].Replace("\"checkpoints\":1", "\"checkpoints\":2", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(export, lines, Ct);

        var (exit, output, error) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", "--export", export, "--public-key", key]);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("is not a well-formed ledger export: line 3: an entry record where checkpoint 2 of the 2 the header announces was expected", error, StringComparison.Ordinal);
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

    private static async Task ExportAsync(TestLedger test, string path)
    {
        await using var store = DisclosureLedger.CreateStore(test.Options);
        await store.InitializeAsync(Ct);
        await using var file = File.Create(path);
        await LedgerExport.WriteAsync(store, file, TimeProvider.System, Ct);
    }
}
