using Exchange.Contracts.V1;
using Exchange.Node.Hosting;
using Exchange.Node.Inbox;
using Exchange.Node.Publishing;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Grpc.Core;

namespace Exchange.Node.Grpc;

/// <summary>
/// Publishing (typed domain endpoints publish through the same publisher) and the caller's own inbox:
/// a stream that resumes after a cursor, and acknowledgements that move forward only.
/// </summary>
public sealed class SignalsService(SignalPublisher publisher, NodeContext node, InboxStore inbox) : Signals.SignalsBase
{
    private const int BatchSize = 100;
    private static readonly TimeSpan IdleWake = TimeSpan.FromSeconds(15);

    public override Task<PublishResponse> Publish(PublishRequest request, ServerCallContext context)
    {
        if (request.Signal is null)
        {
            RpcErrors.InvalidArgument("signal", "the signal is required");
        }

        return publisher.PublishAsync(CallerIdentity.From(context), request.Signal, FieldPaths.Generic, context.CancellationToken);
    }

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<SubscribeResponse> responseStream, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        node.RequireHosted(caller.OrganisationId);
        var position = request.AfterCursor > 0 ? request.AfterCursor : inbox.AcknowledgedThrough(caller.OrganisationId);
        var cancellation = context.CancellationToken;
        while (!cancellation.IsCancellationRequested)
        {
            var arrival = inbox.NextArrival(caller.OrganisationId);
            var batch = inbox.Read(caller.OrganisationId, position, BatchSize);
            foreach (var delivery in batch)
            {
                await responseStream.WriteAsync(new SubscribeResponse { Delivery = delivery }, cancellation);
                position = delivery.Cursor;
            }

            if (batch.Count == BatchSize)
            {
                continue;
            }

            try
            {
                await arrival.WaitAsync(IdleWake, cancellation);
            }
            catch (TimeoutException)
            {
                // Re-read now and then: a delivery from another process sharing the store wakes no one here.
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public override Task<AcknowledgeResponse> Acknowledge(AcknowledgeRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        node.RequireHosted(caller.OrganisationId);
        if (request.Cursor == 0 || request.Cursor > inbox.LatestCursor(caller.OrganisationId))
        {
            RpcErrors.InvalidArgument("cursor", "must be the cursor of a delivery in your inbox");
        }

        return Task.FromResult(new AcknowledgeResponse { AcknowledgedThrough = inbox.Acknowledge(caller.OrganisationId, request.Cursor) });
    }
}
