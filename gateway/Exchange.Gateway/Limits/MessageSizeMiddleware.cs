using Exchange.Gateway.Security;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Requests;
using Exchange.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace Exchange.Gateway.Limits;

/// <summary>
/// Reads the one request message of a call before anything is forwarded and refuses it when it is larger than
/// the limit once decompressed (RESOURCE_EXHAUSTED with MESSAGE_TOO_LARGE), whatever the compression and
/// whether or not the client sent a content-length: an oversized message never reaches a service, and the
/// answer is a status, not HTTP 413. What is forwarded is that message, uncompressed, from memory.
/// </summary>
public sealed class MessageSizeMiddleware(RequestDelegate next, IOptionsMonitor<GatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Reflection (a bidirectional stream) is served by the gateway itself and bounded by its gRPC limit.
        if (GatewayCall.Of(context)?.Rule is not { ClientStreaming: false } || RpcPermissions.Method(context.Request.Path.Value ?? string.Empty) is null)
        {
            await next(context);
            return;
        }

        var read = await GrpcRequestBody.ReadAsync(context, options.CurrentValue.MaxMessageBytes);
        if (read.Refusal is { } refusal)
        {
            await GrpcStatusWriter.WriteAsync(context, refusal.ToStatus());
            return;
        }

        GrpcRequestBody.Replace(context, read.Message);
        await next(context);
    }
}
