using Exchange.ServiceDefaults.Errors;
using Exchange.System.Tests.Support;

namespace Exchange.System.Tests.Faults;

/// <summary>
/// The policy service, which holds the ledger, runs as a process of its own and is killed with SIGKILL in the middle
/// of a burst of 32 callers (so in the middle of group-committed ledger batches), then started again as an
/// orchestrator would. Nothing may leave without its entries; nothing acknowledged may be lost; the domain services
/// must find it again within two seconds, however long it was gone.
/// </summary>
public sealed class PolicyServiceKilledTests : IAsyncLifetime
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
    public async Task Killed_mid_burst_it_loses_no_acknowledged_entry_releases_nothing_unrecorded_and_is_found_again_within_two_seconds_of_its_return()
    {
        await _family.PullUntilServedAsync(FaultSettings.Patience);
        using var stop = new CancellationTokenSource();
        var burst = _family.BurstAsync(callers: 32, maxCallsEach: 400, stop.Token);

        // Kill it once the burst is in full flight.
        var policy = _cluster.Processes["policy"];
        await Poll.UntilAsync(() => Task.FromResult(_family.Served >= 40), FaultSettings.Patience, "the burst did not get going");
        await _cluster.KillAsync("policy");
        var killedAt = DateTime.UtcNow;
        Assert.True(policy.HasExited);

        // It stays away long enough for the callers' connection backoff to grow, as in a real outage.
        await Poll.UntilAsync(() => Task.FromResult(DateTime.UtcNow - killedAt > FaultSettings.Outage), FaultSettings.Patience, "the outage did not last");
        stop.Cancel();
        var outcomes = await burst;
        var whileDown = outcomes.Where(o => o.Started > killedAt.AddSeconds(1)).ToList();
        Assert.NotEmpty(whileDown);
        Assert.All(whileDown, o => Assert.False(o.Succeeded, "a call was served while the policy service was dead"));

        await _cluster.RestartAsync("policy");
        var back = DateTime.UtcNow;
        var resumed = await _family.PullUntilServedAsync(FaultSettings.Patience);

        var lag = resumed[^1].Started - back;
        Assert.True(lag < TimeSpan.FromSeconds(2), $"the first request served after the policy service returned started {lag.TotalSeconds:0.0} s after its return ({FaultScenario.Describe(resumed)})");
        await _family.AssertPromisesHeldAsync([.. outcomes, .. resumed], ReasonCodes.PolicyUnavailable, ReasonCodes.LedgerUnavailable);
    }
}
