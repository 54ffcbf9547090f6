using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Verification;
using Exchange.ServiceDefaults.Errors;
using Exchange.System.Tests.Support;

namespace Exchange.System.Tests.Faults;

/// <summary>
/// The process that writes the ledger (the policy service) is killed with SIGKILL while 32 callers keep its group
/// commit busy, and started again at once, as an orchestrator would. What callers were told must match what the
/// ledger holds afterwards: every answer with data names entries that survived, and every signed checkpoint a
/// recipient kept from a receipt before the kill is a tree the restarted ledger still contains and grows from.
/// </summary>
public sealed class LedgerKilledMidBatchTests : IAsyncLifetime
{
    private ExchangeCluster _cluster = null!;
    private FaultScenario _family = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await ExchangeCluster.StartAsync(new ClusterOptions
        {
            Processes = new HashSet<string> { "policy" },
            GatewaySettings = FaultSettings.NoRateLimit,
        });
        _family = await FaultScenario.CreateAsync(_cluster);
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Killed_mid_batch_every_answered_call_keeps_its_entries_and_every_checkpoint_a_receipt_carried_stays_in_the_ledger()
    {
        await _family.PullUntilServedAsync(FaultSettings.Patience);
        using var stop = new CancellationTokenSource();
        var burst = _family.BurstAsync(callers: 32, maxCallsEach: 400, stop.Token);

        await Poll.UntilAsync(() => Task.FromResult(_family.Served >= 60), FaultSettings.Patience, "the burst did not get going");
        // A call in flight fails as the process dies, which can be before the kill is seen to complete: what matters is
        // that it was under way when the kill began and ended (failing) after that.
        var killing = DateTime.UtcNow;
        await _cluster.KillAsync("policy");
        var killedAt = DateTime.UtcNow;
        var servedAtKill = _family.Served;
        await _cluster.RestartAsync("policy");

        // The same callers carry on through the restart until the exchange has served plenty again.
        await Poll.UntilAsync(() => Task.FromResult(_family.Served >= servedAtKill + 60), FaultSettings.Patience, "calls did not resume after the restart");
        stop.Cancel();
        var outcomes = await burst;

        // The kill landed in the middle of work: calls were in flight, and they failed rather than answered without a record.
        Assert.Contains(outcomes, o => !o.Succeeded && o.Started < killedAt && o.Ended >= killing);
        await _family.AssertPromisesHeldAsync(outcomes, ReasonCodes.PolicyUnavailable, ReasonCodes.LedgerUnavailable);

        // Each answer's receipt names the ledger entries it rests on, and they are what it says they are.
        var entries = await LedgerReader.AllAsync(_cluster);
        var answered = outcomes.Where(o => o.Succeeded).Select(o => o.Response!.Receipt).ToList();
        foreach (var receipt in answered)
        {
            Assert.NotEmpty(receipt.LedgerSequences);
            foreach (var sequence in receipt.LedgerSequences)
            {
                Assert.True(sequence < (ulong)entries.Count, $"a receipt names entry {sequence}, which the restarted ledger does not hold ({entries.Count} entries)");
                var entry = entries[(int)sequence];
                Assert.Equal(receipt.DecisionId, entry.DecisionId);
                Assert.Contains(entry.Kind, new[] { EntryKind.Decision, EntryKind.Release });
            }
        }

        // The checkpoints recipients hold from before the kill: the restarted ledger contains each of their trees
        // exactly and extends them (what a consistency proof from each would show).
        var beforeKill = outcomes.Where(o => o.Succeeded && o.Ended < killedAt).Select(o => o.Response!.Receipt.LedgerCheckpoint).Distinct().ToList();
        Assert.NotEmpty(beforeKill);
        Assert.All(beforeKill, note => Assert.False(string.IsNullOrEmpty(note), "an answer came without its checkpoint"));
        var trusted = beforeKill.Select((note, i) => new TrustedCheckpoint($"receipt {i}", note)).ToList();
        var report = await LedgerReader.VerifyAsync(_cluster, new VerificationOptions(trusted));
        Assert.True(report.Succeeded, report.Failure);
        Assert.Equal(trusted.Count, report.TrustedCheckpointsVerified);
        Assert.True(report.EntriesVerified >= (ulong)entries.Count, $"{report.EntriesVerified} entries verified, {entries.Count} read before");
        Assert.Equal(report.EntriesVerified, report.CoveredEntries);
    }
}
