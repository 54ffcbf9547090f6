using System.Diagnostics.CodeAnalysis;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.ServiceDefaults.Errors;

/// <summary>
/// Throw helpers for every status the exchange answers with. Each carries a
/// <c>google.rpc.Status</c> in the trailers, so a client gets the reason code and the
/// field that is wrong, never a stack trace. Messages never contain personal data.
/// </summary>
public static class RpcErrors
{
    [DoesNotReturn]
    public static void InvalidArgument(string field, string description) =>
        InvalidArgument(new FieldViolations().Add(field, description));

    [DoesNotReturn]
    public static void InvalidArgument(FieldViolations violations) => throw CreateInvalidArgument(violations);

    /// <summary>The InvalidArgument status for <paramref name="violations"/>, for a caller that throws it itself.</summary>
    public static RpcException CreateInvalidArgument(FieldViolations violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Items);
        var fields = string.Join(", ", violations.Items.Select(v => v.Field));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"Invalid request: {fields}.",
            Details =
            {
                Any.Pack(new ErrorInfo { Reason = ReasonCodes.InvalidArgument, Domain = ReasonCodes.Domain }),
                Any.Pack(badRequest),
            },
        }.ToRpcException();
    }

    [DoesNotReturn]
    public static void PermissionDenied(string reasonCode, string message, IReadOnlyDictionary<string, string>? metadata = null) =>
        Throw(StatusCode.PermissionDenied, reasonCode, message, metadata);

    [DoesNotReturn]
    public static void Unauthenticated(string reasonCode, string message) =>
        Throw(StatusCode.Unauthenticated, reasonCode, message, null);

    [DoesNotReturn]
    public static void Unavailable(string reasonCode, string message) =>
        Throw(StatusCode.Unavailable, reasonCode, message, null);

    [DoesNotReturn]
    public static void NotFound(string reasonCode, string message) =>
        Throw(StatusCode.NotFound, reasonCode, message, null);

    [DoesNotReturn]
    public static void FailedPrecondition(string reasonCode, string message) =>
        Throw(StatusCode.FailedPrecondition, reasonCode, message, null);

    [DoesNotReturn]
    public static void ResourceExhausted(string reasonCode, string message) =>
        Throw(StatusCode.ResourceExhausted, reasonCode, message, null);

    public static RpcException Create(StatusCode code, string reasonCode, string message, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var info = new ErrorInfo { Reason = reasonCode, Domain = ReasonCodes.Domain };
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                info.Metadata[key] = value;
            }
        }

        return new Google.Rpc.Status
        {
            Code = (int)code,
            Message = message,
            Details = { Any.Pack(info) },
        }.ToRpcException();
    }

    /// <summary>The reason code a status carries, or null when it carries none.</summary>
    public static string? ReasonOf(RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;

    [DoesNotReturn]
    private static void Throw(StatusCode code, string reasonCode, string message, IReadOnlyDictionary<string, string>? metadata) =>
        throw Create(code, reasonCode, message, metadata);
}
