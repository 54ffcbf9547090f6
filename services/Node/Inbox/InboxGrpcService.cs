using Exchange.Contracts.Node.V1;
using Exchange.Node.Hosting;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;

namespace Exchange.Node.Inbox;

/// <summary>Internal: other services deliver released signals into the inboxes this node hosts.</summary>
public sealed class InboxGrpcService(NodeContext node, InboxStore inbox) : InboxService.InboxServiceBase
{
    public override Task<DeliverResponse> Deliver(DeliverRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations()
            .Require(request.RecipientOrganisationId.Length > 0, "recipient_organisation_id", "is required")
            .Require(request.DeliveryKey.Length is > 0 and <= 200, "delivery_key", "1 to 200 characters")
            .Require(request.Signal is not null, "signal", "is required")
            .Require(request.Receipt is not null, "receipt", "is required");
        violations.ThrowIfAny();
        node.RequireHosted(request.RecipientOrganisationId);

        var (cursor, duplicate) = inbox.Deliver(request.RecipientOrganisationId, request.DeliveryKey, request.Signal!, request.Receipt!);
        return Task.FromResult(new DeliverResponse { Cursor = cursor, Duplicate = duplicate });
    }
}
