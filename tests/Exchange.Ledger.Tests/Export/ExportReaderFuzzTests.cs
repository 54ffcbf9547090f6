using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Export;
using Exchange.Ledger.Tests.Support;
using Exchange.Ledger.Verification;
using Exchange.Testing;

namespace Exchange.Ledger.Tests.Export;

/// <summary>
/// An export file travels and is kept by people: whatever it holds, `exchange ledger verify --export` reads it to a
/// verdict (verified or not, naming the entry) or refuses it as malformed naming the line; it never throws anything
/// else and never hangs. The target is the reading and the verification together, as the command runs them.
/// </summary>
public sealed class ExportReaderFuzzTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Any_bytes_as_an_export_give_a_verdict_or_an_error_naming_the_line_never_an_exception()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        await using (var ledger = await test.OpenAsync())
        {
            for (var i = 0; i < 6; i++)
            {
                await ledger.AppendAsync([SampleEntries.Decision($"subject-{i}")], Ct);
                if (i == 2)
                {
                    await ledger.CheckpointAsync(Ct);
                }
            }
        }

        var sample = Path.Combine(test.Directory.FullName, "sample.jsonl");
        await using (var store = DisclosureLedger.CreateStore(test.Options))
        {
            await store.InitializeAsync(Ct);
            await using var file = File.Create(sample);
            await LedgerExport.WriteAsync(store, file, TimeProvider.System, Ct);
        }

        string key;
        using (var signer = NoteSigner.LoadOrCreate(test.Options.SigningKeyPath, test.Options.Origin))
        {
            key = signer.VerifierKey;
        }

        var verifier = new LedgerVerifier(NoteVerifier.Parse(key));
        var input = Path.Combine(test.Directory.FullName, "fuzzed.jsonl");
        var verdicts = 0;
        var tried = Fuzz.Run([await File.ReadAllBytesAsync(sample, Ct)], bytes =>
        {
            File.WriteAllBytes(input, bytes);
            if (VerifyAsync(verifier, input).GetAwaiter().GetResult() is { } report)
            {
                verdicts++;
                if (!report.Succeeded && report.Failure is null)
                {
                    throw new InvalidOperationException("a failed verification that says nothing");
                }
            }
        }, exception => exception is LedgerExportException { Line: > 0, Problem.Length: > 0 });

        Assert.True(tried > 0);
        Assert.True(verdicts > 0, "no input got as far as the verifier: the fuzzer only exercised the line reader");
    }

    /// <summary>As the command: open, read and verify; a malformed file throws <see cref="LedgerExportException"/>.</summary>
    private static async Task<VerificationReport?> VerifyAsync(LedgerVerifier verifier, string path)
    {
        using var reader = await LedgerExport.OpenAsync(path, CancellationToken.None);
        return await verifier.VerifyAsync(reader.ReadEntriesAsync(CancellationToken.None), reader.CheckpointNotes, VerificationOptions.Default, CancellationToken.None);
    }
}
