using Exchange.Client;
using Exchange.ServiceDefaults.Errors;
using Exchange.System.Tests.Support;
using Grpc.Core;

namespace Exchange.System.Tests.Faults;

/// <summary>
/// A service the disclosure flow depends on is gone: the index (the facts every decision rests on), the identity
/// service (tokens), or the holder's domain service itself, killed after the decision and before the release was
/// recorded. Callers are told which, nothing leaves, and the exchange serves again once the service is back.
/// </summary>
[Collection(ProxiedExchangeCollection.Name)]
public sealed class ServiceOutageTests(ProxiedExchange exchange)
{
    private const string Append = "/ledger.v1.LedgerService/Append";

    [Fact]
    public async Task While_the_index_is_unreachable_decisions_fail_closed_with_INDEX_UNAVAILABLE_and_resume_when_it_returns()
    {
        var outcomes = new List<CallOutcome>(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        await exchange.Cluster.StopAsync("index");
        CallOutcome whileDown;
        try
        {
            whileDown = await exchange.Family.TryPullAsync();
        }
        finally
        {
            await exchange.Cluster.RestartAsync("index");
        }

        Assert.False(whileDown.Succeeded, "a request was served without the facts its decision rests on");
        Assert.Equal(ReasonCodes.IndexUnavailable, RpcErrors.ReasonOf(whileDown.Failure!));
        outcomes.Add(whileDown);
        outcomes.AddRange(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        await exchange.Family.AssertPromisesHeldAsync(outcomes, ReasonCodes.IndexUnavailable);
    }

    [Fact]
    public async Task While_the_identity_service_is_down_tokens_already_issued_keep_working_and_new_ones_fail_with_a_clear_status()
    {
        // The social team's system holds a token from before the outage.
        var outcomes = new List<CallOutcome>(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        var cluster = exchange.Cluster;
        using var newcomerTokens = cluster.Identity.TokenClient(DemoPartners.SocialTeam);
        using var newcomer = PartnerChannel.Create(cluster.Gateway.Address, cluster.Pki.Ca, cluster.Pki.Directory.LoadClient(DemoPartners.SocialTeam), newcomerTokens);
        RpcException refused;
        await cluster.Identity.Service.StopAsync();
        try
        {
            var whileDown = await exchange.Family.TryPullAsync();
            Assert.True(whileDown.Succeeded, $"a token issued before the outage stopped working: {whileDown.Failure?.Status}");
            outcomes.Add(whileDown);

            refused = await Assert.ThrowsAsync<RpcException>(async () => await new Contracts.V1.Disclosures.DisclosuresClient(newcomer)
                .RequestAsync(exchange.Family.Pull(), PartnerChannel.Holder(DemoPartners.Police), cancellationToken: TestContext.Current.CancellationToken));
        }
        finally
        {
            await cluster.Identity.RestartAsync();
        }

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("identity service", refused.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(FaultScenario.ImposedBy, refused.Status.Detail, StringComparison.Ordinal);

        // Back: the newcomer gets its token and is served.
        var served = await new Contracts.V1.Disclosures.DisclosuresClient(newcomer)
            .RequestAsync(exchange.Family.Pull(), PartnerChannel.Holder(DemoPartners.Police), cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEmpty(served.Records);
        await exchange.Family.AssertPromisesHeldAsync(outcomes);
    }

    [Fact]
    public async Task A_domain_service_killed_between_decision_and_release_releases_nothing_and_serves_again_once_restarted()
    {
        var outcomes = new List<CallOutcome>(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        var appends = exchange.Proxy.Seen(Append);
        exchange.Proxy.Set(Append, new Fault.Hold());
        CallOutcome killed;
        try
        {
            // The police's service has its decision and is recording the release when it dies.
            var pull = exchange.Family.TryPullAsync();
            await exchange.Proxy.WaitForAsync(Append, appends + 1, FaultSettings.Patience);
            await exchange.Cluster.KillAsync("police");
            killed = await pull;
        }
        finally
        {
            exchange.Proxy.Clear();
        }

        await exchange.Cluster.RestartAsync("police");
        Assert.False(killed.Succeeded, "data left a domain service that was killed before its release was recorded");
        Assert.Equal(ReasonCodes.HolderUnavailable, RpcErrors.ReasonOf(killed.Failure!));
        outcomes.Add(killed);
        outcomes.AddRange(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        await exchange.Family.AssertPromisesHeldAsync(outcomes, ReasonCodes.HolderUnavailable);
    }
}
