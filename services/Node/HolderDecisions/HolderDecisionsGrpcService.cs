using Exchange.Contracts.V1;
using Exchange.Node.Hosting;
using Exchange.ServiceDefaults.Identity;
using Grpc.Core;

namespace Exchange.Node.HolderDecisions;

/// <summary>A holder's professionals list, approve and decline the requests the policy left to them: the caller is the holder.</summary>
public sealed class HolderDecisionsGrpcService(HolderDecisionFlow flow, NodeContext node) : Contracts.V1.HolderDecisions.HolderDecisionsBase
{
    public override Task<ListPendingResponse> ListPending(ListPendingRequest request, ServerCallContext context)
    {
        var holder = Holder(context);
        return Task.FromResult(new ListPendingResponse { Requests = { flow.Pending(holder) } });
    }

    public override Task<ApproveResponse> Approve(ApproveRequest request, ServerCallContext context) =>
        flow.ApproveAsync(Holder(context), request, context.CancellationToken);

    public override Task<DeclineResponse> Decline(DeclineRequest request, ServerCallContext context) =>
        flow.DeclineAsync(Holder(context), request, context.CancellationToken);

    private string Holder(ServerCallContext context)
    {
        var caller = CallerIdentity.From(context).OrganisationId;
        node.RequireHosted(caller);
        return caller;
    }
}
