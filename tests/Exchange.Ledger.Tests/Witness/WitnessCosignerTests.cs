using Exchange.Ledger.Hosting;
using Exchange.Ledger.Tests.Support;
using Exchange.Ledger.Witness;
using Exchange.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exchange.Ledger.Tests.Witness;

/// <summary>The ledger has its checkpoints cosigned by a witness after the fact, keeps the cosignatures, and verify shows them.</summary>
public sealed class WitnessCosignerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [BothStores]
    public async Task The_latest_checkpoint_is_cosigned_and_kept_verify_says_which_is_not_and_a_cut_ledger_is_refused_and_fails_verify(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        var ledger = await test.OpenAsync();
        await using var witness = await WitnessProcess.StartAsync(ledger.VerifierKey);
        using var cosigner = Cosigner(witness.Address, witness.VerifierKey);
        await AppendAsync(ledger, 20);

        // `exchange ledger witness` speaks HTTP/1.1; the cosigner tries h2c first (as exchange services speak), then falls back.
        CosignResult first;
        IReadOnlyList<(string, CosignResult)> second, again;
        IReadOnlyList<Exchange.Ledger.Storage.StoredCosignature> stored;
        (int ExitCode, string Output, string Error) cosigned, behind;
        await using (ledger)
        {
            first = await CosignWithinTwoRoundsAsync(cosigner, ledger);
            await AppendAsync(ledger, 10);
            second = await cosigner.CosignAsync(ledger, Ct);
            again = await cosigner.CosignAsync(ledger, Ct);
            cosigned = await RunVerifyAsync(test, witness.VerifierKey);
            await AppendAsync(ledger, 5);
            behind = await RunVerifyAsync(test, witness.VerifierKey);
            stored = await ledger.Store.ReadCosignaturesAsync(Ct);
        }

        Assert.Equal(CosignResult.Cosigned, first);
        Assert.Equal([("witness.test", CosignResult.Cosigned)], second);
        Assert.Equal([("witness.test", CosignResult.UpToDate)], again);
        Assert.Equal([20L, 30L], stored.Select(c => c.TreeSize));
        Assert.All(stored, c => Assert.True(WitnessKey.HasCosignature(c.Note, witness.VerifierKey)));
        Assert.True(cosigned.ExitCode == 0, cosigned.Output + cosigned.Error);
        Assert.Contains("consistent with 1 trusted checkpoints", cosigned.Output, StringComparison.Ordinal);
        Assert.Contains("checkpoint 30 co-signed by witness witness.test", cosigned.Output, StringComparison.Ordinal);
        Assert.Equal(0, behind.ExitCode);
        Assert.Contains("note: checkpoint 35 not co-signed by witness witness.test; its latest cosignature covers tree size 30", behind.Output, StringComparison.Ordinal);

        // Cut back to 20 with its checkpoints: the cosignature of 30 is outside evidence the operator cannot forge, and
        // the witness refuses to cosign the shorter history.
        await HistoryTampering.CutTailAsync(test, 20);
        var cut = await RunVerifyAsync(test, witness.VerifierKey);
        await using var reopened = await test.OpenAsync();
        using var afterCut = Cosigner(witness.Address, witness.VerifierKey);
        var refused = await CosignWithinTwoRoundsAsync(afterCut, reopened);

        Assert.Equal(1, cut.ExitCode);
        Assert.Contains("entry 20 does not verify: it is missing, but the trusted checkpoint for tree size 30 (cosigned by witness.test) includes it",
            cut.Output, StringComparison.Ordinal);
        Assert.Equal(CosignResult.Refused, refused);
    }

    [Fact]
    public async Task A_witness_that_cannot_be_reached_delays_no_append_and_verify_says_the_checkpoint_is_not_cosigned()
    {
        await using var test = await TestLedger.CreateAsync(StoreKind.Sqlite);
        await using var ledger = await test.OpenAsync();
        using var witnessKey = WitnessKey.LoadOrCreate(Path.Combine(test.Directory.FullName, "absent-witness.key"), "witness.absent");
        using var cosigner = Cosigner(FreePorts.NextHttp(), witnessKey.VerifierKey);
        await AppendAsync(ledger, 10);

        var rounds = new[] { await cosigner.CosignAsync(ledger, Ct), await cosigner.CosignAsync(ledger, Ct) };
        await AppendAsync(ledger, 10);
        var verify = await RunVerifyAsync(test, witnessKey.VerifierKey);

        Assert.All(rounds, r => Assert.Equal([("witness.absent", CosignResult.Failed)], r));
        Assert.Equal(20UL, ledger.Size);
        Assert.Empty(await ledger.Store.ReadCosignaturesAsync(Ct));
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.Contains("note: checkpoint 20 not co-signed by witness witness.absent: the store holds no cosignature of it", verify.Output, StringComparison.Ordinal);
    }

    private static WitnessCosigner Cosigner(Uri address, string verifierKey) =>
        new([new LedgerWitnessOptions { Address = address, VerifierKey = verifierKey }], NullLogger.Instance);

    private static async Task<CosignResult> CosignWithinTwoRoundsAsync(WitnessCosigner cosigner, DisclosureLedger ledger)
    {
        var result = (await cosigner.CosignAsync(ledger, Ct)).Single().Result;
        return result == CosignResult.Failed ? (await cosigner.CosignAsync(ledger, Ct)).Single().Result : result;
    }

    private static async Task AppendAsync(DisclosureLedger ledger, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await ledger.AppendAsync([SampleEntries.Decision($"subject-{ledger.Size}")], Ct);
        }

        await ledger.CheckpointAsync(Ct);
    }

    private static Task<(int ExitCode, string Output, string Error)> RunVerifyAsync(TestLedger test, string witnessKey)
    {
        string[] store = test.Kind == StoreKind.Postgres ? ["--postgres", test.Target] : ["--sqlite", test.Target];
        return ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "verify", .. store, "--witness-key", witnessKey]);
    }
}
