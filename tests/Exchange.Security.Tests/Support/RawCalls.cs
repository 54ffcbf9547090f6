using Exchange.ServiceDefaults.Errors;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Security.Tests.Support;

/// <summary>The status a call ended with, the reason code it carried, and its google.rpc.Status details.</summary>
public sealed record CallOutcome(StatusCode Code, string? Reason, string Detail, int Messages, Google.Rpc.Status? Status = null)
{
    /// <summary>The fields a google.rpc.BadRequest names.</summary>
    public IReadOnlyList<string> Fields => Status?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];

    public override string ToString() => $"{Code} {Reason} ({Detail})";
}

/// <summary>
/// Calls any RPC by path with raw protobuf bytes, as any gRPC client would put them on the wire, so one
/// test can try every RPC of every contract. An empty body is a valid, empty request message.
/// </summary>
public static class RawCalls
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static async Task<CallOutcome> CallAsync(GrpcChannel channel, string path, bool streaming, Metadata? headers = null, byte[]? body = null)
    {
        var trimmed = path.TrimStart('/');
        var service = trimmed[..trimmed.IndexOf('/', StringComparison.Ordinal)];
        var name = trimmed[(trimmed.IndexOf('/', StringComparison.Ordinal) + 1)..];
        // A stream the service accepts (an inbox) stays open until its deadline: a few seconds show it was let in.
        // Unary calls answer at once; the long deadline only matters on a heavily loaded machine.
        var options = new CallOptions(headers ?? [], DateTime.UtcNow.AddSeconds(streaming ? 3 : 30));
        var messages = 0;
        try
        {
            if (streaming)
            {
                var method = new Method<byte[], byte[]>(MethodType.ServerStreaming, service, name, Bytes, Bytes);
                using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(method, null, options, body ?? []);
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    messages++;
                }
            }
            else
            {
                var unary = new Method<byte[], byte[]>(MethodType.Unary, service, name, Bytes, Bytes);
                await channel.CreateCallInvoker().AsyncUnaryCall(unary, null, options, body ?? []);
                messages++;
            }

            return new CallOutcome(StatusCode.OK, null, string.Empty, messages);
        }
        catch (RpcException exception)
        {
            return new CallOutcome(exception.StatusCode, RpcErrors.ReasonOf(exception), exception.Status.Detail, messages, exception.GetRpcStatus());
        }
    }
}
