using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Tests.Support;
using Exchange.Ledger.Verification;

namespace Exchange.Ledger.Tests.Verification;

/// <summary>`exchange ledger check-proof`: the offline check of one entry's proof file, as the console offers it for download.</summary>
public sealed class CheckProofCommandTests : IAsyncLifetime
{
    private TestLedger? _test;
    private string? _file;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        await using var ledger = await _test.OpenAsync();
        await ledger.AppendAsync([.. Enumerable.Range(0, 11).Select(i => SampleEntries.Decision($"s{i}"))], Ct);
        var checkpoint = await ledger.CheckpointAsync(Ct);
        var entry = (await ledger.ReadEntriesAsync(6, 1, Ct))[0];
        _file = Path.Combine(_test.Directory.FullName, "proof.json");
        await File.WriteAllBytesAsync(_file, InclusionProofFile.Write(6, entry.Encoded, checkpoint.Note, checkpoint.TreeSize,
            ledger.ProveInclusion(6, checkpoint.TreeSize).Hashes, ledger.VerifierKey), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_test is not null)
        {
            await _test.DisposeAsync();
        }
    }

    private string Key()
    {
        using var signer = NoteSigner.LoadOrCreate(_test!.Options.SigningKeyPath, _test.Options.Origin);
        return signer.VerifierKey;
    }

    [Fact]
    public async Task A_downloaded_proof_checks_offline_with_the_trusted_key()
    {
        var (exit, output, _) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "check-proof", "--file", _file!, "--public-key", Key()]);

        Assert.Equal(0, exit);
        Assert.StartsWith("entry 6 is in the ledger: the proof leads to the signed checkpoint of tree size 11", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_file_whose_entry_was_edited_does_not_verify()
    {
        // Through the JSON, not by replacing text: the file escapes '+' in base64, so a textual replace can miss.
        var file = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(_file!, Ct))!;
        var bytes = Convert.FromBase64String(file["entry"]!.GetValue<string>());
        bytes[^1] ^= 1;
        file["entry"] = Convert.ToBase64String(bytes);
        await File.WriteAllTextAsync(_file!, file.ToJsonString(), Ct);

        var (exit, output, _) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "check-proof", "--file", _file!, "--public-key", Key()]);

        Assert.Equal(1, exit);
        Assert.Contains("does not verify", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_checked_against_another_key_does_not_verify()
    {
        using var other = NoteSigner.Generate("exchange.test/ledger");

        var (exit, output, _) = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "check-proof", "--file", _file!, "--public-key", other.VerifierKey]);

        Assert.Equal(1, exit);
        Assert.Contains("the checkpoint does not verify", output, StringComparison.Ordinal);
    }
}
