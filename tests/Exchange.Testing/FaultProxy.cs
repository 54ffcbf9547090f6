using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Exchange.Testing;

/// <summary>What the proxy does to the calls of one gRPC method.</summary>
public abstract record Fault
{
    /// <summary>Waits this long before forwarding (a service slower than its callers' deadline).</summary>
    public sealed record Delay(TimeSpan Time) : Fault;

    /// <summary>Holds every call until <see cref="FaultProxy.Clear"/>, then drops it: the caller is stuck in the middle of its work.</summary>
    public sealed record Hold : Fault;

    /// <summary>Answers without forwarding, with a response no healthy service would give.</summary>
    public sealed record Garbage(GarbageKind Kind) : Fault;
}

public enum GarbageKind
{
    /// <summary>gRPC framing and status OK around bytes that are not protobuf at all.</summary>
    UndecodableMessage,

    /// <summary>Status OK with an empty message: every field at its default.</summary>
    EmptyMessage,

    /// <summary>A frame whose length prefix promises more bytes than follow.</summary>
    TruncatedFrame,

    /// <summary>HTTP 200 with an HTML page, as a misrouted load balancer would answer.</summary>
    HtmlPage,

    /// <summary>HTTP 500 without any gRPC status.</summary>
    ServerError,

    /// <summary>The stream is reset in the middle of the call.</summary>
    Reset,
}

/// <summary>
/// A gRPC (h2c) proxy in front of one service that can slow, hold or garble the calls of chosen methods, and counts
/// the calls that reached it, so a test can put a fault exactly between two steps of the disclosure flow.
/// Unary calls only: it buffers each request and response whole.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;
    private readonly Uri _target;
    private readonly ConcurrentDictionary<string, Fault> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly TestPki? _pki;
    private readonly ConcurrentDictionary<string, HttpClient> _upstreams = new(StringComparer.Ordinal);

    private FaultProxy(WebApplication app, Uri target, Uri address, TestPki? pki)
    {
        _app = app;
        _target = target;
        _pki = pki;
        Address = address;
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri Address { get; }

    /// <summary>
    /// A proxy in front of <paramref name="target"/>. With <paramref name="pki"/>, for a service's internal endpoint: it
    /// serves TLS with the test CA's server certificate, asks each caller for its client certificate, and reaches the
    /// target presenting that same certificate (its key from the test PKI), so that the caller's bound token still
    /// matches the connection the target sees. Without, h2c on both sides.
    /// </summary>
    public static async Task<FaultProxy> StartAsync(Uri target, TestPki? pki = null)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o =>
        {
            o.Protocols = HttpProtocols.Http2;
            if (pki is not null)
            {
                o.UseHttps(https =>
                {
                    https.ServerCertificate = X509CertificateLoader.LoadPkcs12(
                        X509Certificate2.CreateFromPemFile(pki.ServerCertificatePath, pki.ServerKeyPath).Export(X509ContentType.Pkcs12), null);
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
                    // The target checks the chain and the revocation list; the proxy only needs to know whose it is.
                    https.ClientCertificateValidation = (_, _, _) => true;
                });
            }
        }));
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var proxy = new FaultProxy(app, target, new Uri($"{(pki is null ? "http" : "https")}://127.0.0.1:{port}"), pki);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        return proxy;
    }

    /// <summary>From now on, calls of <paramref name="method"/> (e.g. <c>/policy.v1.PolicyService/Decide</c>) meet <paramref name="fault"/>.</summary>
    public void Set(string method, Fault fault) => _faults[method] = fault;

    /// <summary>Every method is forwarded again; held calls are let go (and fail).</summary>
    public void Clear()
    {
        _faults.Clear();
        Interlocked.Exchange(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>How many calls of <paramref name="method"/> reached the proxy.</summary>
    public int Seen(string method) => _seen.GetValueOrDefault(method);

    /// <summary>Waits, bounded, until <paramref name="count"/> calls of <paramref name="method"/> have reached the proxy.</summary>
    public async Task WaitForAsync(string method, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Seen(method) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{method} reached the proxy {Seen(method)} times, not {count}, within {timeout.TotalSeconds} s.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Clear();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
        foreach (var upstream in _upstreams.Values)
        {
            upstream.Dispose();
        }
    }

    /// <summary>The connection to the target: h2c, or TLS presenting the caller's own certificate.</summary>
    private HttpClient Upstream(HttpContext context)
    {
        if (_pki is null || context.Connection.ClientCertificate is not { } caller)
        {
            return _http;
        }

        return _upstreams.GetOrAdd(caller.Thumbprint, _ =>
        {
            var certificate = _pki.ClientWithKey(caller) ?? throw new InvalidOperationException($"The test PKI has no key for {caller.Subject}.");
            var ca = _pki.Ca;
            return new HttpClient(new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                SslOptions =
                {
                    ClientCertificates = new X509CertificateCollection { certificate },
                    RemoteCertificateValidationCallback = (_, server, _, errors) => Exchange.Pki.PrivateCa.Validates(server, ca, errors),
                },
            })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
        });
    }

    private async Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Path.Value ?? string.Empty;
        _seen.AddOrUpdate(method, 1, (_, n) => n + 1);
        var aborted = context.RequestAborted;
        switch (_faults.GetValueOrDefault(method))
        {
            case Fault.Delay delay:
                await Task.Delay(delay.Time, aborted);
                break;
            case Fault.Hold:
                await Volatile.Read(ref _released).Task.WaitAsync(aborted);
                context.Abort();
                return;
            case Fault.Garbage garbage:
                await AnswerGarbageAsync(context, garbage.Kind);
                return;
        }

        await ForwardAsync(context, method, aborted);
    }

    private async Task ForwardAsync(HttpContext context, string method, CancellationToken aborted)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, aborted);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_target, method + context.Request.QueryString))
        {
            Content = new ByteArrayContent(body.ToArray()),
            // h2c, as the service behind speaks only HTTP/2: a request built by hand gets the client's defaults only through these.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.StartsWith(':') || name.Equals("host", StringComparison.OrdinalIgnoreCase) || name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await Upstream(context).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, aborted);
        }
        catch (HttpRequestException)
        {
            // The service behind is gone: so is the connection, as the caller would see it without the proxy.
            context.Abort();
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!name.Equals("content-length", StringComparison.OrdinalIgnoreCase) && !name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, aborted);
            foreach (var (name, values) in response.TrailingHeaders)
            {
                context.Response.AppendTrailer(name, values.ToArray());
            }
        }
    }

    private static async Task AnswerGarbageAsync(HttpContext context, GarbageKind kind)
    {
        // Drain the request as a server would before answering.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        switch (kind)
        {
            case GarbageKind.Reset:
                context.Abort();
                return;
            case GarbageKind.ServerError:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            case GarbageKind.HtmlPage:
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body><h1>502 Bad Gateway</h1></body></html>");
                return;
        }

        context.Response.ContentType = "application/grpc";
        // Field number 0 is invalid in every message: these bytes never decode, whatever the expected type.
        byte[] message = kind switch
        {
            GarbageKind.UndecodableMessage => [0x00, 0xFF, 0xFF, 0x13, 0x37, 0x42],
            GarbageKind.TruncatedFrame => [0x0A, 0x05, 0x61],
            _ => [],
        };
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(kind == GarbageKind.TruncatedFrame ? 100 : message.Length));
        message.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame, context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
