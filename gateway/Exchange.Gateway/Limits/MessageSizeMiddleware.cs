using System.Buffers.Binary;
using Exchange.Gateway.Responses;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Exchange.Gateway.Limits;

/// <summary>
/// Reads the 5-byte gRPC frame header of the request before anything is forwarded and refuses a message
/// larger than the limit with <c>ResourceExhausted</c>, so an oversized message never reaches a service.
/// Kestrel's request body limit still caps the whole request.
/// </summary>
public sealed class MessageSizeMiddleware(RequestDelegate next, IOptionsMonitor<GatewayOptions> options)
{
    private const int FrameHeaderLength = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        var header = new byte[FrameHeaderLength];
        var read = await context.Request.Body.ReadAtLeastAsync(header, FrameHeaderLength, throwOnEndOfStream: false, context.RequestAborted);
        var limit = options.CurrentValue.MaxMessageBytes;
        if (read == FrameHeaderLength && BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1)) > (uint)limit)
        {
            await GrpcStatusResponse.WriteAsync(
                context, StatusCode.ResourceExhausted, ReasonCodes.MessageTooLarge, $"The message exceeds the limit of {limit} bytes.");
            return;
        }

        context.Request.Body = new PrefixedStream(header.AsMemory(0, read), context.Request.Body);
        await next(context);
    }

    /// <summary>The bytes already read, then the rest of the body: what the proxy forwards is unchanged.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty)
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }

            var count = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
