using System.Net;
using System.Security.Cryptography;
using System.Text;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Tests.Support;
using Exchange.Ledger.Witness;

namespace Exchange.Ledger.Tests.Witness;

/// <summary>`exchange ledger witness` run as a partner would run it, spoken to over HTTP on loopback.</summary>
public sealed class WitnessCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_witness_command_cosigns_over_http_and_answers_a_rollback_with_the_size_it_cosigned()
    {
        var directory = Directory.CreateTempSubdirectory("witness-command-");
        using var log = NoteSigner.Generate("exchange.test/ledger");
        var tree = new MerkleTree();
        for (var i = 0; i < 30; i++)
        {
            tree.Append(SHA256.HashData(BitConverter.GetBytes(i)));
        }

        using var process = ChildProcess.Start("ExchangeCliDll", "ledger", "witness", "--name", "witness.test",
            "--key", Path.Combine(directory.FullName, "witness.key"), "--state", Path.Combine(directory.FullName, "state"),
            "--log-key", log.VerifierKey);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var listening = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? string.Empty;
            var verifierKey = (await process.StandardOutput.ReadLineAsync(timeout.Token) ?? string.Empty).Replace("verifier key: ", string.Empty, StringComparison.Ordinal);
            Assert.StartsWith("witness witness.test listening on http://127.0.0.1:", listening, StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = new Uri(listening[(listening.IndexOf("http", StringComparison.Ordinal))..]), Timeout = TimeSpan.FromSeconds(30) };
            var at30 = SignedCheckpoint.Create(log, 30, tree.RootAt(30), DateTimeOffset.UnixEpoch);
            var at20 = SignedCheckpoint.Create(log, 20, tree.RootAt(20), DateTimeOffset.UnixEpoch);

            using var cosigned = await PostAsync(http, LedgerWitnessTests.Body(0, [], at30));
            using var rolledBack = await PostAsync(http, LedgerWitnessTests.Body(0, [], at20));

            Assert.Equal(HttpStatusCode.OK, cosigned.StatusCode);
            Assert.True(WitnessKey.HasCosignature(at30.Note + await cosigned.Content.ReadAsStringAsync(Ct), verifierKey));
            Assert.Equal(HttpStatusCode.Conflict, rolledBack.StatusCode);
            Assert.Equal("text/x.tlog.size", rolledBack.Content.Headers.ContentType?.MediaType);
            Assert.Equal("30\n", await rolledBack.Content.ReadAsStringAsync(Ct));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            directory.Delete(recursive: true);
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body) =>
        http.PostAsync(new Uri("add-checkpoint", UriKind.Relative), new StringContent(body, Encoding.UTF8, "text/plain"), Ct);
}
