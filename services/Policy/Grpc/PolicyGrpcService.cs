using Exchange.Contracts.Policy.V1;
using Exchange.Policy.Decisions;
using Exchange.Policy.Engine;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;

namespace Exchange.Policy.Grpc;

/// <summary>policy.v1: internal, called by the domain services and the index, never through the gateway.</summary>
public sealed class PolicyGrpcService(DecisionService decisions, PolicyEngine engine) : PolicyService.PolicyServiceBase
{
    public override Task<DecideResponse> Decide(DecideRequest request, ServerCallContext context) =>
        decisions.DecideAsync(request, context.CancellationToken);

    public override Task<ExplainResponse> Explain(ExplainRequest request, ServerCallContext context)
    {
        if (request.Request is null)
        {
            RpcErrors.InvalidArgument("request", "the request to explain is required");
        }

        return decisions.ExplainAsync(request.Request, context.CancellationToken);
    }

    public override Task<GetActiveBundleResponse> GetActiveBundle(GetActiveBundleRequest request, ServerCallContext context)
    {
        var bundle = engine.ActiveBundle;
        return Task.FromResult(new GetActiveBundleResponse { BundleId = bundle.Id, BundleHash = bundle.Hash, Version = bundle.Version });
    }
}
