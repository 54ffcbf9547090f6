using System.Text.Json.Nodes;
using Exchange.Ledger.Export;
using Exchange.Ledger.Tests.Support;

namespace Exchange.Ledger.Tests.Export;

/// <summary>A malformed export or one whose header lies is refused with the line and what is wrong there.</summary>
public sealed class ExportReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A well-formed export of 12 entries with two checkpoints (the one stored at 10 and the signed head at 12):
    /// header on line 1, checkpoints on 2 and 3, entries on 4-15.
    /// </summary>
    private static async Task<List<string>> ExportLinesAsync(TestLedger test)
    {
        await using (var ledger = await test.OpenAsync())
        {
            for (var i = 0; i < 12; i++)
            {
                await ledger.AppendAsync([SampleEntries.Decision($"subject-{i}")], Ct);
                if (i == 9)
                {
                    await ledger.CheckpointAsync(Ct);
                }
            }
        }

        var path = Path.Combine(test.Directory.FullName, "source.jsonl");
        await using (var store = DisclosureLedger.CreateStore(test.Options))
        {
            await store.InitializeAsync(Ct);
            await using var file = File.Create(path);
            await LedgerExport.WriteAsync(store, file, TimeProvider.System, Ct);
        }

        return [.. await File.ReadAllLinesAsync(path, Ct)];
    }

    private static async Task<LedgerExportException> ReadFailureAsync(TestLedger test, IEnumerable<string> lines)
    {
        var path = Path.Combine(test.Directory.FullName, "tampered.jsonl");
        await File.WriteAllLinesAsync(path, lines, Ct);
        return await Assert.ThrowsAsync<LedgerExportException>(async () =>
        {
            using var reader = await LedgerExport.OpenAsync(path, Ct);
            await foreach (var _ in reader.ReadEntriesAsync(Ct))
            {
            }
        });
    }

    private static string WithField(string line, string name, JsonNode? value)
    {
        var json = JsonNode.Parse(line)!.AsObject();
        json[name] = value;
        return json.ToJsonString();
    }

    private static string WithoutField(string line, string name)
    {
        var json = JsonNode.Parse(line)!.AsObject();
        json.Remove(name);
        return json.ToJsonString();
    }

    [Fact]
    public async Task A_well_formed_export_reads_its_header_checkpoints_and_entries()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var lines = await ExportLinesAsync(test);
        var path = Path.Combine(test.Directory.FullName, "copy.jsonl");
        await File.WriteAllLinesAsync(path, lines, Ct);

        using var reader = await LedgerExport.OpenAsync(path, Ct);
        var sequences = new List<long>();
        await foreach (var entry in reader.ReadEntriesAsync(Ct))
        {
            sequences.Add(entry.Sequence);
        }

        Assert.Equal(12UL, reader.Header.EntryCount);
        Assert.Equal(2, reader.CheckpointNotes.Count);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task A_header_announcing_more_checkpoints_than_there_are_names_the_first_entry_line_read_as_a_checkpoint()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var lines = await ExportLinesAsync(test);
        lines[0] = WithField(lines[0], "checkpoints", 4);

        var failure = await ReadFailureAsync(test, lines);

        Assert.Equal(4, failure.Line);
        Assert.Equal("line 4: an entry record where checkpoint 3 of the 4 the header announces was expected", failure.Message);
    }

    [Fact]
    public async Task A_header_announcing_fewer_checkpoints_than_there_are_names_the_checkpoint_line_read_as_an_entry()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var lines = await ExportLinesAsync(test);
        lines[0] = WithField(lines[0], "checkpoints", 1);

        var failure = await ReadFailureAsync(test, lines);

        Assert.Equal("line 3: a checkpoint record among the entries: the header announces 1 checkpoints", failure.Message);
    }

    [Fact]
    public async Task A_header_announcing_more_entries_than_the_file_holds_names_the_line_after_the_last()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var lines = await ExportLinesAsync(test);
        lines[0] = WithField(lines[0], "entries", 15);

        var failure = await ReadFailureAsync(test, lines);

        Assert.Equal("line 16: the file ends after 12 entries, but its header announces 15", failure.Message);
    }

    [Fact]
    public async Task A_header_announcing_fewer_entries_than_the_file_holds_names_the_first_extra_line()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var lines = await ExportLinesAsync(test);
        lines[0] = WithField(lines[0], "entries", 10);

        var failure = await ReadFailureAsync(test, lines);

        Assert.Equal("line 14: an entry record beyond the 10 entries the header announces", failure.Message);
    }

    public static TheoryData<string, string> BrokenHeaders() => new()
    {
        { "", "line 1: the file is empty; an export starts with its header" },
        { "not json", "line 1: is not JSON (at byte 2)" },
        { "[1,2]", "line 1: is not a JSON object" },
        { "{\"format\":\"something-else/1\",\"entries\":1,\"checkpoints\":0}", "line 1: the header's \"format\" is not \"exchange-ledger-export/1\": this is not a ledger export" },
        { "{\"format\":\"exchange-ledger-export/1\",\"checkpoints\":0}", "line 1: the header's \"entries\" is missing" },
        { "{\"format\":\"exchange-ledger-export/1\",\"entries\":-4,\"checkpoints\":0}", "line 1: the header's \"entries\" is not a whole number of at least 0" },
        { "{\"format\":\"exchange-ledger-export/1\",\"entries\":1,\"checkpoints\":\"two\"}", "line 1: the header's \"checkpoints\" is not a whole number of at least 0" },
        { "{\"format\":\"exchange-ledger-export/1\",\"entries\":0,\"checkpoints\":0,\"exported_at\":\"yesterday\"}", "line 1: the header's \"exported_at\" is not a date and time" },
        // Found by ExportReaderFuzzTests (seed 193592549): JSON takes an escaped lone surrogate that no string can hold.
        { "{\"format\":\"exchange-ledger\\ud888\\u002B\",\"entries\":6,\"checkpoints\":2}", "line 1: holds a \\u escape that is no character (a lone surrogate)" },
    };

    [Theory]
    [MemberData(nameof(BrokenHeaders))]
    public async Task A_broken_header_is_refused_with_what_is_wrong(string header, string message)
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var path = Path.Combine(test.Directory.FullName, "header.jsonl");
        await File.WriteAllTextAsync(path, header.Length == 0 ? string.Empty : header + "\n", Ct);

        var failure = await Assert.ThrowsAsync<LedgerExportException>(() => LedgerExport.OpenAsync(path, Ct));

        Assert.Equal(message, failure.Message);
    }

    [Fact]
    public async Task A_checkpoint_line_whose_tree_size_differs_from_its_note_is_refused()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var lines = await ExportLinesAsync(test);
        lines[1] = WithField(lines[1], "tree_size", 12);

        var failure = await ReadFailureAsync(test, lines);

        Assert.Equal("line 2: the checkpoint's \"tree_size\" (12) differs from the tree size in its signed note (10)", failure.Message);
    }

    [Fact]
    public async Task A_checkpoint_line_without_its_note_is_refused()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var lines = await ExportLinesAsync(test);
        lines[1] = WithoutField(lines[1], "note");

        var failure = await ReadFailureAsync(test, lines);

        Assert.Equal("line 2: the checkpoint has no \"note\" (its signed note, a string)", failure.Message);
    }

    public static TheoryData<string, string> BrokenEntries() => new()
    {
        { "no-entry", "line 8: the entry has no \"entry\" (its canonical bytes in base64)" },
        { "bad-base64", "line 8: the entry's \"entry\" is not base64 of an entry's bytes" },
        { "no-sequence", "line 8: the entry's \"sequence\" is missing" },
        { "negative-sequence", "line 8: the entry's \"sequence\" is not a whole number of at least 0" },
        { "truncated", "line 8: is not JSON (at byte 21)" },
        { "empty", "line 8: is empty; every line of an export is one JSON object" },
    };

    [Theory]
    [MemberData(nameof(BrokenEntries))]
    public async Task A_broken_entry_line_is_refused_with_its_line_and_field(string damage, string message)
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        var lines = await ExportLinesAsync(test);
        lines[7] = damage switch
        {
            "no-entry" => WithoutField(lines[7], "entry"),
            "bad-base64" => WithField(lines[7], "entry", "not base64!"),
            "no-sequence" => WithoutField(lines[7], "sequence"),
            "negative-sequence" => WithField(lines[7], "sequence", -1),
            "truncated" => lines[7][..20],
            _ => string.Empty,
        };

        var failure = await ReadFailureAsync(test, lines);

        Assert.Equal(message, failure.Message);
        Assert.DoesNotContain("subject-", failure.Message, StringComparison.Ordinal);
    }
}
