using System.Buffers.Binary;
using System.IO.Compression;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Exchange.ServiceDefaults.Requests;

/// <summary>
/// Reads the one request message of a unary or server-streaming gRPC call, whole and bounded, before anything
/// acts on it: the size limit applies to the message as it will be decoded (after gzip or deflate), and a
/// refusal is a gRPC status (RESOURCE_EXHAUSTED with MESSAGE_TOO_LARGE, INVALID_ARGUMENT for a broken frame),
/// never the server's HTTP 413. Afterwards the body is that one message, uncompressed, in memory.
/// </summary>
public static class GrpcRequestBody
{
    private const int FrameHeaderLength = 5;

    /// <summary>The message bytes (uncompressed), or why the request is refused.</summary>
    public readonly record struct Read(ReadOnlyMemory<byte> Message, RpcDenial? Refusal);

    public static async Task<Read> ReadAsync(HttpContext context, int limit)
    {
        // The limit is enforced here, on the decoded message; Kestrel's own limit would answer HTTP 413
        // (and sees only the compressed size).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        var body = context.Request.Body;
        var header = new byte[FrameHeaderLength];
        var read = await body.ReadAtLeastAsync(header, FrameHeaderLength, throwOnEndOfStream: false, context.RequestAborted);
        if (read < FrameHeaderLength)
        {
            return Refuse("the request carries no gRPC message");
        }

        var compressed = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (compressed > 1)
        {
            return Refuse("the gRPC message frame is malformed");
        }

        if (length > (uint)limit)
        {
            return TooLarge(limit);
        }

        var frame = new byte[length];
        if (await body.ReadAtLeastAsync(frame, frame.Length, throwOnEndOfStream: false, context.RequestAborted) < frame.Length)
        {
            return Refuse("the gRPC message is cut short");
        }

        if (await body.ReadAsync(new byte[1], context.RequestAborted) > 0)
        {
            return Refuse("the call takes one request message");
        }

        if (compressed == 0)
        {
            return new Read(frame, null);
        }

        var encoding = context.Request.Headers["grpc-encoding"].ToString();
        using var input = new MemoryStream(frame);
        using Stream? decoder = encoding switch
        {
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            "deflate" => new ZLibStream(input, CompressionMode.Decompress),
            _ => null,
        };
        if (decoder is null)
        {
            return new Read(default, new RpcDenial(
                StatusCode.Unimplemented, ReasonCodes.ProtocolNotSupported, "The message compression is not supported; use gzip, deflate or none."));
        }

        try
        {
            // One byte beyond the limit tells that the decoded message would exceed it; no more is inflated.
            var message = new byte[limit + 1];
            var decoded = await decoder.ReadAtLeastAsync(message, message.Length, throwOnEndOfStream: false, context.RequestAborted);
            return decoded > limit ? TooLarge(limit) : new Read(message.AsMemory(0, decoded), null);
        }
        catch (InvalidDataException)
        {
            return Refuse("the compressed message cannot be decompressed");
        }
    }

    /// <summary>The message as an uncompressed gRPC frame, for whoever reads the body next.</summary>
    public static void Replace(HttpContext context, ReadOnlyMemory<byte> message)
    {
        var frame = new byte[FrameHeaderLength + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame.AsMemory(FrameHeaderLength));
        context.Request.Body = new MemoryStream(frame, writable: false);
        context.Request.ContentLength = frame.Length;
        context.Request.Headers.Remove("grpc-encoding");
        // The server's body-size limit applied to the network body, which is read; what follows reads memory.
        context.Features.Set<IHttpMaxRequestBodySizeFeature>(null);
    }

    private static Read TooLarge(int limit) => new(default, new RpcDenial(
        StatusCode.ResourceExhausted, ReasonCodes.MessageTooLarge, $"The message exceeds the limit of {limit} bytes (after decompression)."));

    private static Read Refuse(string description) => new(default, RpcDenial.InvalidArgument("", description));
}
