using Exchange.ServiceDefaults.Errors;
using Grpc.Core;

namespace Exchange.ServiceDefaults.Security;

/// <summary>Why a call is refused: the status, the stable reason code, and a message without personal data.</summary>
public sealed record RpcDenial(StatusCode Code, string Reason, string Message)
{
    public RpcException ToException() => RpcErrors.Create(Code, Reason, Message);

    public static RpcDenial Unauthenticated(string reason, string message) => new(StatusCode.Unauthenticated, reason, message);

    public static RpcDenial PermissionDenied(string reason, string message) => new(StatusCode.PermissionDenied, reason, message);
}
