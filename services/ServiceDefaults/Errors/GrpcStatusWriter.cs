using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.ServiceDefaults.Requests;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Exchange.ServiceDefaults.Errors;

/// <summary>
/// Answers a request with a gRPC status where no gRPC service does (the gateway itself, a request refused
/// before any service ran, an unhandled failure), so that a client always gets a status and a reason code,
/// never an HTTP error page. A gRPC (or gRPC-Web) request gets a trailers-only response; a Connect request
/// gets the Connect protocol's own error, so that its client can read the code too.
/// </summary>
public static class GrpcStatusWriter
{
    public static Task WriteAsync(HttpContext context, Google.Rpc.Status status)
    {
        var response = context.Response;
        response.Clear();
        var protocol = GrpcProtocol.Of(context.Request);
        if (protocol == WireProtocol.Connect)
        {
            return WriteConnectAsync(context, status);
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = protocol == WireProtocol.GrpcWeb ? context.Request.ContentType : "application/grpc";
        SetStatusHeaders(response.Headers, status);
        return response.CompleteAsync();
    }

    /// <summary>
    /// Ends a response whose headers (and messages) were already sent with the status in its trailers, e.g. a
    /// stream ended because its caller's credentials lapsed. False when the transport cannot carry trailers.
    /// </summary>
    public static bool TryAppendTrailers(HttpResponse response, Google.Rpc.Status status)
    {
        if (!response.SupportsTrailers())
        {
            return false;
        }

        response.AppendTrailer("grpc-status", ((int)status.Code).ToString(CultureInfo.InvariantCulture));
        response.AppendTrailer("grpc-message", EscapeMessage(status.Message));
        response.AppendTrailer("grpc-status-details-bin", Convert.ToBase64String(status.ToByteArray()).TrimEnd('='));
        return true;
    }

    /// <summary>
    /// The grpc-message encoding of the gRPC HTTP/2 spec: UTF-8, with only bytes outside printable ASCII and
    /// '%' itself percent-encoded. Everything else stays readable for clients that show it verbatim.
    /// </summary>
    public static string EscapeMessage(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var escaped = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                escaped.Append((char)b);
            }
            else
            {
                escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }

    private static void SetStatusHeaders(IHeaderDictionary headers, Google.Rpc.Status status)
    {
        headers["grpc-status"] = ((int)status.Code).ToString(CultureInfo.InvariantCulture);
        headers["grpc-message"] = EscapeMessage(status.Message);
        headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
    }

    /// <summary>The Connect protocol's error: JSON with the code's name, the message and the details.</summary>
    private static async Task WriteConnectAsync(HttpContext context, Google.Rpc.Status status)
    {
        var error = new Dictionary<string, object>
        {
            ["code"] = ConnectCode((StatusCode)status.Code),
            ["message"] = status.Message,
            ["details"] = status.Details.Select(d => new Dictionary<string, string>
            {
                ["type"] = Google.Protobuf.WellKnownTypes.Any.GetTypeName(d.TypeUrl),
                ["value"] = Convert.ToBase64String(d.Value.ToByteArray()).TrimEnd('='),
            }).ToList(),
        };
        var response = context.Response;
        var contentType = context.Request.ContentType ?? string.Empty;
        if (contentType.StartsWith("application/connect+", StringComparison.OrdinalIgnoreCase))
        {
            // A streaming Connect call: one end-of-stream envelope carrying the error.
            var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["error"] = error });
            var envelope = new byte[5 + json.Length];
            envelope[0] = 0x02;
            BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(1), json.Length);
            json.CopyTo(envelope, 5);
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType;
            await response.Body.WriteAsync(envelope);
        }
        else
        {
            response.StatusCode = ConnectHttpStatus((StatusCode)status.Code);
            response.ContentType = "application/json";
            await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(error));
        }

        await response.CompleteAsync();
    }

    private static string ConnectCode(StatusCode code) => code switch
    {
        StatusCode.Cancelled => "canceled",
        _ => string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
    };

    private static int ConnectHttpStatus(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => 400,
        StatusCode.Unauthenticated => 401,
        StatusCode.PermissionDenied => 403,
        StatusCode.NotFound => 404,
        StatusCode.Unimplemented => 501,
        StatusCode.AlreadyExists or StatusCode.Aborted => 409,
        StatusCode.ResourceExhausted => 429,
        StatusCode.Cancelled => 499,
        StatusCode.Unavailable => 503,
        StatusCode.DeadlineExceeded => 504,
        _ => 500,
    };
}
