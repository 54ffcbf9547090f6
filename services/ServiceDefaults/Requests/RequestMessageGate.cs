using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Exchange.ServiceDefaults.Requests;

/// <summary>
/// Before a service's gRPC handler runs: the call must be gRPC proper, its one request message within the size
/// limit once decompressed, and decodable as the contract's request type. Otherwise the caller gets
/// UNIMPLEMENTED, RESOURCE_EXHAUSTED (MESSAGE_TOO_LARGE) or INVALID_ARGUMENT naming the field that does not
/// decode, where gRPC itself would answer "Exception was thrown by handler" or a status without a reason.
/// </summary>
public sealed class RequestMessageGate(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var method = RpcPermissions.Method(context.Request.Path.Value ?? string.Empty);
        if (method is null || method.IsClientStreaming)
        {
            await next(context);
            return;
        }

        if (!GrpcProtocol.IsGrpcCall(context.Request))
        {
            await GrpcStatusWriter.WriteAsync(context, NotGrpc().ToStatus());
            return;
        }

        var read = await GrpcRequestBody.ReadAsync(context, ServiceDefaultsExtensions.MaxMessageBytes);
        if (read.Refusal is { } refusal)
        {
            await GrpcStatusWriter.WriteAsync(context, refusal.ToStatus());
            return;
        }

        if (!WireDiagnosis.TryParse(method.InputType, read.Message, out _, out var field))
        {
            await GrpcStatusWriter.WriteAsync(context, RpcDenial.InvalidArgument(field, $"does not decode as part of {method.InputType.FullName}").ToStatus());
            return;
        }

        GrpcRequestBody.Replace(context, read.Message);
        await next(context);
    }

    /// <summary>The answer to a protocol the exchange does not serve (Connect, gRPC-Web, plain HTTP).</summary>
    public static RpcDenial NotGrpc() => new(
        StatusCode.Unimplemented, ReasonCodes.ProtocolNotSupported, "Only gRPC over HTTP/2 (content-type application/grpc) is served.");
}
