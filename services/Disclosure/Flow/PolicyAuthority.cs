using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
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
        DecideResponse response;
        try
        {
            response = await policy.DecideAsync(request, cancellationToken: cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.InvalidArgument)
        {
            throw;
        }
        catch (RpcException exception)
        {
            LogPolicyFailed(logger, exception.StatusCode);
            // The policy service names what it could not reach (its ledger, or the index for the facts); the caller is told that.
            var reason = RpcErrors.ReasonOf(exception) is ReasonCodes.LedgerUnavailable or ReasonCodes.IndexUnavailable
                ? RpcErrors.ReasonOf(exception)!
                : ReasonCodes.PolicyUnavailable;
            throw RpcErrors.Create(StatusCode.Unavailable, reason, "No decision could be obtained, so nothing was released.");
        }

        // An answer that is no recorded decision (an empty message from a proxy or a broken peer decodes as one with
        // every field unset) must not be read as a denial, let alone a permit: the policy service did not decide.
        if (!IsRecordedDecision(request, response))
        {
            LogPolicyFailed(logger, StatusCode.DataLoss);
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.PolicyUnavailable, "No decision could be obtained, so nothing was released.");
        }

        return response;
    }

    public async Task<AppendResponse> RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        AppendResponse response;
        try
        {
            var request = new AppendRequest();
            request.Entries.AddRange(entries);
            response = await ledger.AppendAsync(request, cancellationToken: cancellationToken);
        }
        catch (RpcException exception)
        {
            LogLedgerFailed(logger, exception.StatusCode);
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.LedgerUnavailable, "The ledger could not record it, so nothing was released.");
        }

        // The ledger acknowledges each entry with its sequence number; an answer without them (an empty message
        // decodes as a success with nothing in it) is no proof that the release was recorded.
        if (response.Sequences.Count != entries.Count)
        {
            LogLedgerFailed(logger, StatusCode.DataLoss);
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.LedgerUnavailable, "The ledger could not record it, so nothing was released.");
        }

        return response;
    }

    private static bool IsRecordedDecision(DecideRequest request, DecideResponse response) =>
        response.Decision is Decision.Permit or Decision.PartialPermit or Decision.Deny or Decision.HolderDecisionRequired
        && response.DecisionId.Length > 0
        && response.LedgerSequences.Count == request.Subjects.Count;

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Policy decision failed with {Status}; disclosure refused")]
    private static partial void LogPolicyFailed(ILogger logger, StatusCode status);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Recording a release failed with {Status}; disclosure refused")]
    private static partial void LogLedgerFailed(ILogger logger, StatusCode status);
}
