using System.Diagnostics.CodeAnalysis;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Disclosure.Flow;

/// <summary>
/// How a denied disclosure is answered at the gRPC edge: <c>PermissionDenied</c> with the reason the requester can
/// act on (<c>google.rpc.ErrorInfo</c>, with the decision id and bundle hash) and the receipt, which says for each
/// requested category why it was not released: its reason code, the rule or agreement and a short text. Nothing in
/// it is about the subjects' data: reasons that rest on it are told as NOT_RELEASED_IN_THIS_CASE.
/// </summary>
public static class DisclosureStatus
{
    [DoesNotReturn]
    public static void ThrowDenied(Disclosed denied) => throw Denied(denied);

    public static RpcException Denied(Disclosed denied)
    {
        var decision = denied.Response;
        var reason = decision.RecipientReasonCode.Length > 0 ? decision.RecipientReasonCode
            : decision.ReasonCode.Length > 0 ? decision.ReasonCode
            : ReasonCodes.DeniedByPolicy;
        var info = new ErrorInfo
        {
            Reason = reason,
            Domain = ReasonCodes.Domain,
            Metadata = { ["decision_id"] = decision.DecisionId, ["bundle_hash"] = decision.BundleHash },
        };
        return new Google.Rpc.Status
        {
            Code = (int)Code.PermissionDenied,
            Message = $"The disclosure was denied by policy ({reason}); the receipt in the details gives each category's reason, and the denial is recorded in the ledger.",
            Details = { Any.Pack(info), Any.Pack(denied.Receipt) },
        }.ToRpcException();
    }
}
