using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Requests;
using Exchange.ServiceDefaults.Security;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.ServiceDefaults.Interceptors;

/// <summary>
/// Refuses a partner's request that exceeds any bound its contract declares (see <see cref="ContractLimits"/>)
/// with INVALID_ARGUMENT naming every such field, after the caller is authorized and before the handler decides,
/// stores or logs anything. Internal calls carry what the exchange itself composed (e.g. a delivery's signal id
/// of its own making) and are not bound by what partners may send.
/// </summary>
public sealed class ContractLimitsInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(request, context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(request, context);
        return continuation(request, responseStream, context);
    }

    private static void Check<TRequest>(TRequest request, ServerCallContext context)
    {
        if (request is not IMessage message || RpcPermissions.Find(context.Method) is not { Exposure: RpcExposure.Partner })
        {
            return;
        }

        var violations = new FieldViolations();
        ContractLimits.Check(message, violations);
        violations.ThrowIfAny();
    }
}
