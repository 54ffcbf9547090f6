using System.Net;
using System.Security.Cryptography;
using System.Text;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Tests.Support;
using Exchange.Ledger.Witness;

namespace Exchange.Ledger.Tests.Witness;

/// <summary>`exchange ledger witness` and `exchange ledger cosign` run as a partner and the exchange's operator would, over HTTP on loopback.</summary>
public sealed class WitnessCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_witness_command_cosigns_over_http_and_answers_a_rollback_with_the_size_it_cosigned()
    {
        using var log = NoteSigner.Generate("exchange.test/ledger");
        var tree = new MerkleTree();
        for (var i = 0; i < 30; i++)
        {
            tree.Append(SHA256.HashData(BitConverter.GetBytes(i)));
        }

        await using var witness = await WitnessProcess.StartAsync(log.VerifierKey);
        using var http = new HttpClient { BaseAddress = witness.Address, Timeout = TimeSpan.FromSeconds(30) };
        var at30 = SignedCheckpoint.Create(log, 30, tree.RootAt(30), DateTimeOffset.UnixEpoch);
        var at20 = SignedCheckpoint.Create(log, 20, tree.RootAt(20), DateTimeOffset.UnixEpoch);

        using var cosigned = await PostAsync(http, WitnessSubmission.Body(0, [], at30.Note));
        using var rolledBack = await PostAsync(http, WitnessSubmission.Body(0, [], at20.Note));

        Assert.StartsWith("witness witness.test listening on http://127.0.0.1:", witness.Listening, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cosigned.StatusCode);
        Assert.True(WitnessKey.HasCosignature(at30.Note + await cosigned.Content.ReadAsStringAsync(Ct), witness.VerifierKey));
        Assert.Equal(HttpStatusCode.Conflict, rolledBack.StatusCode);
        Assert.Equal("text/x.tlog.size", rolledBack.Content.Headers.ContentType?.MediaType);
        Assert.Equal("30\n", await rolledBack.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [BothStores]
    public async Task A_witness_cosigns_the_ledgers_head_as_it_grows_and_refuses_it_once_the_ledger_was_cut_short(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        string key;
        await using (var ledger = await test.OpenAsync())
        {
            key = ledger.VerifierKey;
            for (var i = 0; i < 50; i++)
            {
                await ledger.AppendAsync([SampleEntries.Decision($"subject-{i}")], Ct);
                if (i is 19 or 29)
                {
                    await ledger.CheckpointAsync(Ct);
                }
            }
        }

        await using var witness = await WitnessProcess.StartAsync(key);
        string[] store = test.Kind == StoreKind.Postgres ? ["--postgres", test.Target] : ["--sqlite", test.Target];
        var cosignedFile = Path.Combine(test.Directory.FullName, "cosigned.checkpoint");

        var cosigned = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "cosign", .. store, "--witness", witness.Address.ToString(), "--out", cosignedFile]);
        await HistoryTampering.CutTailAsync(test, 30);
        var cut = await ChildProcess.RunAsync("ExchangeCliDll", ["ledger", "cosign", .. store, "--witness", witness.Address.ToString()]);

        Assert.True(cosigned.ExitCode == 0, cosigned.Output + cosigned.Error);
        Assert.True(WitnessKey.HasCosignature(await File.ReadAllTextAsync(cosignedFile, Ct), witness.VerifierKey));
        Assert.Equal(1, cut.ExitCode);
        Assert.Contains("the witness refuses to cosign the ledger's head (tree size 30): 400 old size is above the checkpoint's tree size: a rollback is never cosigned",
            cut.Output, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body) =>
        http.PostAsync(new Uri("add-checkpoint", UriKind.Relative), new StringContent(body, Encoding.UTF8, "text/plain"), Ct);
}
