using Exchange.ServiceDefaults.Errors;
using Exchange.System.Tests.Support;

namespace Exchange.System.Tests.Faults;

/// <summary>
/// The policy service answers too slowly or answers garbage, for a decision (PolicyService/Decide) or for recording a
/// release (LedgerService/Append). The caller gets UNAVAILABLE with the reason in time and no data; no release is
/// without its entries; once the policy service behaves, requests are served again without anyone's help.
/// </summary>
[Collection(ProxiedExchangeCollection.Name)]
public sealed class PolicyServiceMisbehavesTests(ProxiedExchange exchange)
{
    private const string Decide = "/policy.v1.PolicyService/Decide";
    private const string Append = "/ledger.v1.LedgerService/Append";

    [Theory]
    [InlineData(Decide, ReasonCodes.PolicyUnavailable)]
    [InlineData(Append, ReasonCodes.LedgerUnavailable)]
    public async Task A_policy_service_slower_than_the_deadline_is_answered_unavailable_in_time_and_nothing_is_released(string method, string reason)
    {
        var outcomes = new List<CallOutcome>(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        exchange.Proxy.Set(method, new Fault.Delay(TimeSpan.FromSeconds(40)));
        CallOutcome slow;
        try
        {
            slow = await exchange.Family.TryPullAsync();
        }
        finally
        {
            exchange.Proxy.Clear();
        }

        Assert.False(slow.Succeeded);
        Assert.Equal(reason, RpcErrors.ReasonOf(slow.Failure!));
        // The domain service gives up after its own 3 s: long before the gateway's 30 s, and long before the 40 s delay.
        Assert.True(slow.Ended - slow.Started < TimeSpan.FromSeconds(20), $"the slow call took {(slow.Ended - slow.Started).TotalSeconds:0.0} s");
        outcomes.Add(slow);
        outcomes.AddRange(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        await exchange.Family.AssertPromisesHeldAsync(outcomes, ReasonCodes.PolicyUnavailable, ReasonCodes.LedgerUnavailable);
    }

    [Theory]
    [InlineData(Decide, GarbageKind.UndecodableMessage, ReasonCodes.PolicyUnavailable)]
    [InlineData(Decide, GarbageKind.EmptyMessage, ReasonCodes.PolicyUnavailable)]
    [InlineData(Decide, GarbageKind.TruncatedFrame, ReasonCodes.PolicyUnavailable)]
    [InlineData(Decide, GarbageKind.HtmlPage, ReasonCodes.PolicyUnavailable)]
    [InlineData(Decide, GarbageKind.ServerError, ReasonCodes.PolicyUnavailable)]
    [InlineData(Decide, GarbageKind.Reset, ReasonCodes.PolicyUnavailable)]
    [InlineData(Append, GarbageKind.UndecodableMessage, ReasonCodes.LedgerUnavailable)]
    [InlineData(Append, GarbageKind.EmptyMessage, ReasonCodes.LedgerUnavailable)]
    [InlineData(Append, GarbageKind.TruncatedFrame, ReasonCodes.LedgerUnavailable)]
    [InlineData(Append, GarbageKind.HtmlPage, ReasonCodes.LedgerUnavailable)]
    [InlineData(Append, GarbageKind.ServerError, ReasonCodes.LedgerUnavailable)]
    [InlineData(Append, GarbageKind.Reset, ReasonCodes.LedgerUnavailable)]
    public async Task A_policy_service_answering_garbage_is_answered_unavailable_and_nothing_is_released(string method, GarbageKind garbage, string reason)
    {
        var outcomes = new List<CallOutcome>(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        exchange.Proxy.Set(method, new Fault.Garbage(garbage));
        CallOutcome answered;
        try
        {
            answered = await exchange.Family.TryPullAsync();
        }
        finally
        {
            exchange.Proxy.Clear();
        }

        Assert.False(answered.Succeeded, $"{garbage} from {method} was taken for an answer and the order was released");
        Assert.Equal(reason, RpcErrors.ReasonOf(answered.Failure!));
        outcomes.Add(answered);
        outcomes.AddRange(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        await exchange.Family.AssertPromisesHeldAsync(outcomes, ReasonCodes.PolicyUnavailable, ReasonCodes.LedgerUnavailable);
    }
}
