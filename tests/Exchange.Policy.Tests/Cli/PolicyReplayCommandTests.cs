using System.Text;
using System.Text.Json;
using Exchange.Cli.Policy;
using Exchange.Policy.Tests.Replay;
using Exchange.Policy.Tests.Support;
using Google.Protobuf;

namespace Exchange.Policy.Tests.Cli;

/// <summary><c>exchange policy replay</c> over a ledger export, as a privacy officer or lawyer runs it.</summary>
public sealed class PolicyReplayCommandTests
{
    [Fact]
    public async Task Replay_over_an_export_prints_the_decisions_a_candidate_would_change_as_json_and_text()
    {
        using var dir = new TempDirectory();
        dir.Write("candidate/bundle.yaml", TestBundle.Base);
        dir.Write("candidate/rules.yaml", TestBundle.Rules(TestBundle.Rule("police-to-vt", categories: "INCIDENT, SAFETY")));
        var recorded = DecisionReplayTests.Record(TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("police-to-vt"))), DecisionReplayTests.Push("leo"));
        var export = new StringBuilder($$"""{"format":"exchange-ledger-export/1","verifier_key":null,"entries":{{recorded.Count}},"checkpoints":0,"exported_at":"2026-06-01T12:00:00Z"}""").Append('\n');
        for (var i = 0; i < recorded.Count; i++)
        {
            export.Append($$"""{"sequence":{{i}},"entry":"{{Convert.ToBase64String(recorded[i].ToByteArray())}}"}""").Append('\n');
        }

        dir.Write("ledger.jsonl", export.ToString());
        using var json = new StringWriter();
        using var text = new StringWriter();

        var exit = await PolicyReplayCommand.RunAsync(Path.Combine(dir.Path, "candidate"), Path.Combine(dir.Path, "ledger.jsonl"), json: true, json, TestContext.Current.CancellationToken);
        await PolicyReplayCommand.RunAsync(Path.Combine(dir.Path, "candidate"), Path.Combine(dir.Path, "ledger.jsonl"), json: false, text, TestContext.Current.CancellationToken);

        Assert.Equal(PolicyReplayCommand.Replayed, exit);
        var report = JsonDocument.Parse(json.ToString()).RootElement;
        Assert.Equal(1, report.GetProperty("changed").GetInt32());
        var change = report.GetProperty("changes")[0];
        Assert.Equal("PARTIAL_PERMIT", change.GetProperty("recorded").GetProperty("decision").GetString());
        Assert.Equal("PERMIT", change.GetProperty("replayed").GetProperty("decision").GetString());
        Assert.Equal("SAFETY", change.GetProperty("released_added")[0].GetString());
        Assert.Equal("police-to-vt", report.GetProperty("by_rule")[0].GetProperty("rule").GetString());
        Assert.Contains("police -> vt: 1 changed", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("PARTIAL_PERMIT -> PERMIT, released +SAFETY", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_over_a_file_that_is_no_ledger_cannot_run()
    {
        using var dir = new TempDirectory();
        dir.Write("ledger.txt", "not a ledger\n");
        using var output = new StringWriter();

        var exit = await PolicyReplayCommand.RunAsync(Repository.PoliciesDirectory, Path.Combine(dir.Path, "ledger.txt"), json: false, output, TestContext.Current.CancellationToken);

        Assert.Equal(PolicyReplayCommand.CouldNotRun, exit);
        Assert.Contains("not a ledger or a ledger export", output.ToString(), StringComparison.Ordinal);
    }
}
