using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.System.Tests.Support;
using Exchange.Testing;

namespace Exchange.System.Tests.Faults;

/// <summary>
/// Fan-out is done by the publishing organisation's domain service (its <c>SignalRouter</c> asks the index for the
/// recipients, then decides, records and delivers to each). That process, the police's, is killed with SIGKILL while
/// it fans a batch of orders out to three recipients, and started again. Its routing outbox must finish the job:
/// every recipient ends with every order exactly once, and each delivery has its decision and release entry.
/// </summary>
public sealed class RoutingRestartedTests : IAsyncLifetime
{
    private const int Orders = 24;

    private ExchangeCluster _cluster = null!;
    private FaultScenario _family = null!;
    private Partner _veiligThuis = null!;
    private Partner _raad = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await ExchangeCluster.StartAsync(new ClusterOptions
        {
            Processes = new HashSet<string> { "police" },
            GatewaySettings = FaultSettings.NoRateLimit,
        });
        _family = await FaultScenario.CreateAsync(_cluster);
        _veiligThuis = new Partner(DemoPartners.VeiligThuis, _cluster.Channel(DemoPartners.VeiligThuis));
        _raad = new Partner(DemoPartners.ChildProtection, _cluster.Channel(DemoPartners.ChildProtection));
        await _veiligThuis.RegisterInvolvementAsync(Purpose.SafetyAssessment, "Team Onderzoek", await _veiligThuis.ResolveAsync("111222333"), await _veiligThuis.ResolveAsync("123456782"));
        await _raad.RegisterInvolvementAsync(Purpose.ChildProtectionInvestigation, "Locatie Tilburg", await _raad.ResolveAsync("111222333"), await _raad.ResolveAsync("123456782"));
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Killed_mid_fan_out_its_outbox_finishes_after_the_restart_and_every_recipient_gets_every_signal_once_with_its_release_entry()
    {
        var recipients = new[] { _family.Team, _veiligThuis, _raad };
        var signals = new List<string>();
        foreach (var _ in Enumerable.Range(0, Orders))
        {
            signals.Add(await _family.PublishOrderAsync());
        }

        // Deliveries released so far (a release entry per subject, one decision per delivery).
        async Task<int> CountPushReleasesAsync() =>
            (await LedgerReader.AllAsync(_cluster)).Where(e => e.Kind == EntryKind.Release && signals.Contains(e.SignalId)).Select(e => e.DecisionId).Distinct().Count();

        // Kill it once some, but not all, of the fan-out has been decided and released.
        await Poll.UntilAsync(async () => await CountPushReleasesAsync() >= 3, FaultSettings.Patience, "the fan-out did not start");
        await _cluster.KillAsync("police");
        var releasedAtKill = await CountPushReleasesAsync();
        Assert.True(releasedAtKill < Orders * recipients.Length, $"the fan-out was over ({releasedAtKill} releases) before the kill: nothing was tested");

        await _cluster.RestartAsync("police");
        foreach (var recipient in recipients)
        {
            var inbox = await recipient.InboxAsync(d => signals.All(s => d.Any(x => x.Signal.Id == s)), FaultSettings.Patience);
            var orders = inbox.Where(d => signals.Contains(d.Signal.Id)).ToList();
            var twice = orders.GroupBy(d => d.Signal.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(twice.Count == 0, $"{recipient.Id} received {twice.Count} orders twice");
            Assert.True(orders.Count == Orders, $"{recipient.Id} received {orders.Count} of the {Orders} orders ({releasedAtKill} releases before the kill)");

            var entries = await LedgerReader.AllAsync(_cluster);
            foreach (var delivery in orders)
            {
                var releases = entries.Where(e => e.Kind == EntryKind.Release && e.DecisionId == delivery.Receipt.DecisionId).ToList();
                Assert.NotEmpty(releases);
                Assert.All(releases, release => Assert.Equal(delivery.Signal.Id, release.SignalId));
                Assert.Contains(entries, e => e.Kind == EntryKind.Decision && e.DecisionId == delivery.Receipt.DecisionId && e.Requester.OrganisationId == recipient.Id);
            }
        }

        // A release recorded just before the kill, whose delivery the restart repeated under a new decision, may stand
        // beside the one the recipient holds ("may have left"), but no decision was ever released twice.
        await _family.AssertPromisesHeldAsync([]);
    }
}
