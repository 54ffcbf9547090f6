using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Exchange.Disclosure.Flow;

/// <summary>
/// Calls the policy service and its ledger. Failures are translated so that the caller of the node
/// gets a precise status: bad input stays <c>InvalidArgument</c> (with the policy's field), anything
/// else means the decision or its record cannot be had, which is <c>Unavailable</c> and no data.
/// </summary>
public sealed partial class PolicyAuthority(
    PolicyService.PolicyServiceClient policy,
    LedgerService.LedgerServiceClient ledger,
    ILogger<PolicyAuthority> logger) : IDisclosureAuthority
{
    public async Task<DecideResponse> DecideAsync(DecideRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await policy.DecideAsync(request, cancellationToken: cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.InvalidArgument)
        {
            throw;
        }
        catch (RpcException exception)
        {
            LogPolicyFailed(logger, exception.StatusCode);
            var reason = RpcErrors.ReasonOf(exception) is ReasonCodes.LedgerUnavailable ? ReasonCodes.LedgerUnavailable : ReasonCodes.PolicyUnavailable;
            throw RpcErrors.Create(StatusCode.Unavailable, reason, "No decision could be obtained, so nothing was released.");
        }
    }

    public async Task<AppendResponse> RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        try
        {
            var request = new AppendRequest();
            request.Entries.AddRange(entries);
            return await ledger.AppendAsync(request, cancellationToken: cancellationToken);
        }
        catch (RpcException exception)
        {
            LogLedgerFailed(logger, exception.StatusCode);
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.LedgerUnavailable, "The ledger could not record it, so nothing was released.");
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Policy decision failed with {Status}; disclosure refused")]
    private static partial void LogPolicyFailed(ILogger logger, StatusCode status);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Recording a release failed with {Status}; disclosure refused")]
    private static partial void LogLedgerFailed(ILogger logger, StatusCode status);
}
