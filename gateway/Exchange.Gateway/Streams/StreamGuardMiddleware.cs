using System.Buffers.Binary;
using Exchange.Gateway.Security;
using Exchange.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Exchange.Gateway.Streams;

/// <summary>
/// Keeps a server stream (an inbox subscription) only as long as its caller may make a new call: when
/// <see cref="OpenStreams"/> ends it, the call to the service behind is cancelled and the partner's stream ends
/// with the status and reason (UNAUTHENTICATED and CERTIFICATE_REJECTED or TOKEN_EXPIRED), after the last
/// whole message it received; it reconnects with fresh credentials and resumes from its cursor.
/// </summary>
public sealed class StreamGuardMiddleware(RequestDelegate next, OpenStreams streams)
{
    /// <summary>HTTP/2 INTERNAL_ERROR: the stream cannot end cleanly (mid-message), so it is reset.</summary>
    private const int InternalError = 2;

    public async Task InvokeAsync(HttpContext context)
    {
        // Proxied server streams only; reflection (a client stream the gateway answers itself) is short-lived.
        if (GatewayCall.Of(context) is not { Rule: { Streaming: true, ClientStreaming: false }, Caller: { } caller })
        {
            await next(context);
            return;
        }

        using var stream = streams.Open(caller.OrganisationId, context.Connection.ClientCertificate!, caller.ValidUntil);
        context.Items[typeof(OpenStream)] = stream;
        var clientAborted = context.RequestAborted;
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, stream.Ending);
        var reset = context.Features.Get<IHttpResetFeature>();
        if (reset is not null)
        {
            // The proxy resets a response it cannot finish; one the gateway ends is finished here instead.
            context.Features.Set<IHttpResetFeature>(new DeferredReset(reset, stream));
        }

        var body = context.Response.Body;
        var frames = new FrameTrackingStream(body);
        context.RequestAborted = aborted.Token;
        context.Response.Body = frames;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
            context.RequestAborted = clientAborted;
        }

        if (stream.Reason is not { } reason || clientAborted.IsCancellationRequested)
        {
            return;
        }

        if (!context.Response.HasStarted)
        {
            await GrpcStatusWriter.WriteAsync(context, reason.ToStatus());
        }
        else if (frames.AtMessageBoundary && GrpcStatusWriter.TryAppendTrailers(context.Response, reason.ToStatus()))
        {
            await context.Response.CompleteAsync();
        }
        else
        {
            reset?.Reset(InternalError);
        }
    }

    /// <summary>Whether a response stream was ended by the gateway (not by the service behind, nor the client).</summary>
    public static bool EndedByGateway(HttpContext context) => context.Items[typeof(OpenStream)] is OpenStream { Reason: not null };

    private sealed class DeferredReset(IHttpResetFeature inner, OpenStream stream) : IHttpResetFeature
    {
        public void Reset(int errorCode)
        {
            if (stream.Reason is null)
            {
                inner.Reset(errorCode);
            }
        }
    }

    /// <summary>Passes the response through and knows whether the bytes so far end on a whole gRPC message.</summary>
    private sealed class FrameTrackingStream(Stream inner) : Stream
    {
        private readonly byte[] _header = new byte[5];
        private int _headerFill;
        private long _remaining;

        public bool AtMessageBoundary => _headerFill == 0;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Track(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Track(buffer.AsSpan(offset, count));
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Track(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                if (_headerFill < _header.Length)
                {
                    var take = Math.Min(_header.Length - _headerFill, data.Length);
                    data[..take].CopyTo(_header.AsSpan(_headerFill));
                    _headerFill += take;
                    data = data[take..];
                    if (_headerFill == _header.Length)
                    {
                        _remaining = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(1));
                        if (_remaining == 0)
                        {
                            _headerFill = 0;
                        }
                    }
                }
                else
                {
                    var take = (int)Math.Min(_remaining, data.Length);
                    _remaining -= take;
                    data = data[take..];
                    if (_remaining == 0)
                    {
                        _headerFill = 0;
                    }
                }
            }
        }
    }
}
