using Exchange.Contracts.Ledger.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.System.Tests.Support;
using Grpc.Core;

namespace Exchange.System.Tests.Faults;

/// <summary>
/// The gateway is restarted (stopped as an orchestrator stops it, and started again) while a partner's inbox stream is
/// open and signals keep being published to it. The stream must end with a clean UNAVAILABLE and a reason, the
/// subscriber must find its way back from its cursor, and every signal must arrive exactly once, each with its
/// release entry in the ledger.
/// </summary>
public sealed class GatewayRestartedTests : IAsyncLifetime
{
    private const int Published = 16;

    private ExchangeCluster _cluster = null!;
    private FaultScenario _family = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await ExchangeCluster.StartAsync(new ClusterOptions { GatewaySettings = FaultSettings.NoRateLimit });
        _family = await FaultScenario.CreateAsync(_cluster);
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Restarted_with_inbox_streams_open_it_ends_them_with_UNAVAILABLE_and_the_subscriber_resumes_from_its_cursor_missing_nothing_and_receiving_nothing_twice()
    {
        var subscriber = new ResumingSubscriber(_family.Team);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var reading = subscriber.RunAsync(stop.Token);
        await Poll.UntilAsync(() => Task.FromResult(subscriber.Deliveries.Count >= 1), FaultSettings.Patience, "the order published at the start did not reach the inbox");

        // The police keep publishing through the restart, retrying each publication (same idempotency key) until it is stored.
        var publishing = Task.Run(async () =>
        {
            var published = new List<(string SignalId, IReadOnlyList<RpcException> Failures)>();
            for (var i = 0; i < Published; i++)
            {
                published.Add(await _family.PublishOrderUntilStoredAsync(FaultSettings.Patience));
            }

            return published;
        });
        await Poll.UntilAsync(() => Task.FromResult(subscriber.Deliveries.Count >= 4), FaultSettings.Patience, "deliveries did not flow before the restart");
        Assert.Empty(subscriber.Ends);

        await _cluster.RestartAsync("gateway");
        var published = await publishing;
        var expected = subscriber.Deliveries.Take(1).Select(d => d.Signal.Id).Concat(published.Select(p => p.SignalId)).ToHashSet();
        await Poll.UntilAsync(() => Task.FromResult(expected.IsSubsetOf(subscriber.Deliveries.Select(d => d.Signal.Id))), FaultSettings.Patience,
            "not every published order reached the inbox after the restart");
        await stop.CancelAsync();
        await reading;

        // The open stream ended cleanly, with the reason; attempts to reconnect while the gateway was down found no one to
        // answer them (a transport UNAVAILABLE); nothing else, and never INTERNAL or UNKNOWN.
        var ends = subscriber.Ends;
        Assert.NotEmpty(ends);
        Assert.Equal((StatusCode.Unavailable, ReasonCodes.GatewayRestarting), (ends[0].StatusCode, RpcErrors.ReasonOf(ends[0])));
        Assert.All(ends, end => Assert.True(
            end.StatusCode is StatusCode.Unavailable && RpcErrors.ReasonOf(end) is null or ReasonCodes.GatewayRestarting,
            $"a stream ended with {end.StatusCode} {RpcErrors.ReasonOf(end)}: {end.Status.Detail}"));
        Assert.All(published.SelectMany(p => p.Failures), failure => Assert.Equal(StatusCode.Unavailable, failure.StatusCode));

        // Exactly once, in cursor order, across the reconnects.
        var deliveries = subscriber.Deliveries;
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.Signal.Id).Distinct().Count());
        Assert.True(deliveries.Zip(deliveries.Skip(1)).All(p => p.First.Cursor < p.Second.Cursor), "cursors went back: a delivery came twice");
        Assert.Equal(expected.Order(), deliveries.Select(d => d.Signal.Id).Order());

        // Each delivery left under a decision and a release entry.
        var entries = await LedgerReader.AllAsync(_cluster);
        foreach (var delivery in deliveries)
        {
            Assert.Equal(FaultScenario.ImposedBy, delivery.Signal.Payload.Unpack<Exchange.Contracts.Police.V1.RestrainingOrder>().ImposedBy);
            Assert.Contains(entries, e => e.Kind == EntryKind.Decision && e.DecisionId == delivery.Receipt.DecisionId);
            Assert.Contains(entries, e => e.Kind == EntryKind.Release && e.DecisionId == delivery.Receipt.DecisionId);
        }

        var report = await LedgerReader.VerifyAsync(_cluster);
        Assert.True(report.Succeeded, report.Failure);
    }
}
