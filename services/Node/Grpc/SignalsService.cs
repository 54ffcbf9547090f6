using Exchange.Contracts.V1;
using Exchange.Node.Publishing;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Grpc.Core;

namespace Exchange.Node.Grpc;

/// <summary>The generic signal endpoint; typed domain endpoints publish through the same publisher.</summary>
public sealed class SignalsService(SignalPublisher publisher) : Signals.SignalsBase
{
    public override Task<PublishResponse> Publish(PublishRequest request, ServerCallContext context)
    {
        if (request.Signal is null)
        {
            RpcErrors.InvalidArgument("signal", "the signal is required");
        }

        return publisher.PublishAsync(CallerIdentity.From(context), request.Signal, FieldPaths.Generic, context.CancellationToken);
    }
}
