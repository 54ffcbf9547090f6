using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
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
    public static RpcException CreateInvalidArgument(FieldViolations violations) => InvalidArgumentStatus(violations).ToRpcException();

    /// <summary>INVALID_ARGUMENT with a google.rpc.BadRequest naming every wrong field.</summary>
    public static Google.Rpc.Status InvalidArgumentStatus(FieldViolations violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Items);
        var fields = string.Join(", ", violations.Items.Select(v => v.Field.Length == 0 ? "the request message" : v.Field).Distinct(StringComparer.Ordinal));
        return Status(StatusCode.InvalidArgument, ReasonCodes.InvalidArgument, $"Invalid request: {fields}.", null, badRequest);
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

    public static RpcException Create(StatusCode code, string reasonCode, string message, IReadOnlyDictionary<string, string>? metadata = null) =>
        Status(code, reasonCode, message, metadata).ToRpcException();

    /// <summary>
    /// A google.rpc.Status with an ErrorInfo (domain "exchange.nl", the reason code, optional metadata) and any
    /// further details, e.g. a RetryInfo.
    /// </summary>
    public static Google.Rpc.Status Status(
        StatusCode code, string reasonCode, string message, IReadOnlyDictionary<string, string>? metadata = null, params IMessage[] details)
    {
        var info = new ErrorInfo { Reason = reasonCode, Domain = ReasonCodes.Domain };
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                info.Metadata[key] = value;
            }
        }

        var status = new Google.Rpc.Status { Code = (int)code, Message = message, Details = { Any.Pack(info) } };
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return status;
    }

    /// <summary>The reason code a status carries, or null when it carries none.</summary>
    public static string? ReasonOf(RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;

    [DoesNotReturn]
    private static void Throw(StatusCode code, string reasonCode, string message, IReadOnlyDictionary<string, string>? metadata) =>
        throw Create(code, reasonCode, message, metadata);
}
