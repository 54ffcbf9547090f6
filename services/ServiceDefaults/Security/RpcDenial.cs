using Exchange.ServiceDefaults.Errors;
using Grpc.Core;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// Why a call is refused: the status, the stable reason code, a message without personal data, and for an
/// invalid argument the field (or metadata key) that is wrong.
/// </summary>
public sealed record RpcDenial(StatusCode Code, string Reason, string Message, FieldViolations? Violations = null)
{
    public RpcException ToException() => Violations is { IsEmpty: false } violations
        ? RpcErrors.CreateInvalidArgument(violations)
        : RpcErrors.Create(Code, Reason, Message);

    /// <summary>The google.rpc.Status a client receives, for answering at the gateway itself.</summary>
    public Google.Rpc.Status ToStatus() => Violations is { IsEmpty: false } violations
        ? RpcErrors.InvalidArgumentStatus(violations)
        : RpcErrors.Status(Code, Reason, Message);

    public static RpcDenial Unauthenticated(string reason, string message) => new(StatusCode.Unauthenticated, reason, message);

    public static RpcDenial PermissionDenied(string reason, string message) => new(StatusCode.PermissionDenied, reason, message);

    public static RpcDenial InvalidArgument(string field, string description)
    {
        var violations = new FieldViolations().Add(field, description);
        return new RpcDenial(StatusCode.InvalidArgument, ReasonCodes.InvalidArgument, RpcErrors.InvalidArgumentStatus(violations).Message, violations);
    }
}
