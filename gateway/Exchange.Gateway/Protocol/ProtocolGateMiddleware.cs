using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Requests;

namespace Exchange.Gateway.Protocol;

/// <summary>
/// The gateway serves gRPC over HTTP/2 only. Any other protocol (Connect, gRPC-Web, plain HTTP) is answered
/// UNIMPLEMENTED with PROTOCOL_NOT_SUPPORTED, in a form its client can read, before anything else looks at it:
/// a Connect request is never taken for a gRPC frame.
/// </summary>
public sealed class ProtocolGateMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        GrpcProtocol.IsGrpcCall(context.Request) && context.Request.Protocol == "HTTP/2"
            ? next(context)
            : GrpcStatusWriter.WriteAsync(context, RequestMessageGate.NotGrpc().ToStatus());
}
