using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Conformance.Running;

/// <summary>The kit could not get an access token for an organisation it was to act for: a fault of the run, not of the node.</summary>
public sealed class CredentialsUnavailableException(string organisationId, string reason)
    : Exception($"no access token for {organisationId}: {reason}");

/// <summary>The status a raw call ended with, and how long it stayed open.</summary>
public sealed record RawOutcome(StatusCode? Status, TimeSpan Elapsed, bool StillOpen);

/// <summary>
/// The kit's connections: to the node (TLS that must chain to the exchange CA, or h2c on loopback) and to the
/// exchange's index. Calls to the node carry what the gateway would forward: the caller's bound token, its
/// organisation and certificate thumbprint, and the holder asked for.
/// </summary>
public sealed class NodeConnection : IDisposable
{
    private readonly ConformanceTarget _target;
    private readonly GrpcChannel? _index;

    public NodeConnection(ConformanceTarget target)
    {
        _target = target;
        Http = new HttpClient(Handler(target), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        Node = GrpcChannel.ForAddress(target.Endpoint, new GrpcChannelOptions { HttpClient = Http, DisposeHttpClient = false });
        _index = target.Index is null ? null : GrpcChannel.ForAddress(target.Index, new GrpcChannelOptions { HttpHandler = Handler(target), DisposeHttpClient = true });
    }

    public GrpcChannel Node { get; }

    public GrpcChannel? Index => _index;

    /// <summary>For calls the gRPC client would shape itself (deadlines): raw HTTP/2 to the node.</summary>
    public HttpClient Http { get; }

    /// <summary>Call options of an internal call made as the node itself: its own token, bound to the certificate of this connection.</summary>
    public async Task<CallOptions> AsNodeAsync(CallerCredentials node, CancellationToken cancellationToken) =>
        new(new Metadata { { "x-exchange-service-authorization", "Bearer " + await TokenAsync(node, cancellationToken) } }, DateTime.UtcNow + _target.CallTimeout, cancellationToken);

    /// <summary>Call options as the gateway forwards a call of <paramref name="caller"/>, asking for <paramref name="holder"/>'s data.</summary>
    public async Task<CallOptions> AsAsync(CallerCredentials caller, string holder, CancellationToken cancellationToken) =>
        new(await HeadersAsync(caller, holder, cancellationToken), DateTime.UtcNow + _target.CallTimeout, cancellationToken);

    /// <summary>
    /// A unary or server-streaming call sent as raw HTTP/2 with its own <c>grpc-timeout</c>, so that the node (and
    /// not the client) has to end it: read until the node closes the stream, or until the deadline plus grace.
    /// </summary>
    public async Task<RawOutcome> CallWithDeadlineAsync(string path, IMessage request, CallerCredentials caller, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var body = new byte[5 + request.CalculateSize()];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1, 4), (uint)(body.Length - 5));
        request.WriteTo(body.AsSpan(5));
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_target.Endpoint, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TE.ParseAdd("trailers");
        message.Headers.Add("grpc-timeout", ((long)deadline.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "m");
        foreach (var entry in await HeadersAsync(caller, caller.OrganisationId, cancellationToken))
        {
            message.Headers.TryAddWithoutValidation(entry.Key, entry.Value);
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(deadline + _target.DeadlineGrace);
        try
        {
            using var response = await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(limit.Token);
            await stream.CopyToAsync(Stream.Null, limit.Token);
            var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.FirstOrDefault()
                : response.Headers.TryGetValues("grpc-status", out var header) ? header.FirstOrDefault() : null;
            return new RawOutcome(int.TryParse(status, out var code) ? (StatusCode)code : null, started.Elapsed, StillOpen: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RawOutcome(null, started.Elapsed, StillOpen: true);
        }
    }

    public void Dispose()
    {
        Node.Dispose();
        Http.Dispose();
        _index?.Dispose();
    }

    /// <summary>The caller's token; a failure to get one is the run's fault, not the node's.</summary>
    private static async Task<string> TokenAsync(CallerCredentials caller, CancellationToken cancellationToken)
    {
        try
        {
            return await caller.AccessTokenAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is Exchange.Client.TokenRequestException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new CredentialsUnavailableException(caller.OrganisationId, exception.Message);
        }
    }

    private static async Task<Metadata> HeadersAsync(CallerCredentials caller, string holder, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(caller, cancellationToken);
        return new Metadata
        {
            { "authorization", "Bearer " + token },
            { "x-exchange-organisation", caller.OrganisationId },
            { "x-exchange-client-cert-sha256", caller.CertificateSha256 },
            { "exchange-holder", holder },
        };
    }

    private static SocketsHttpHandler Handler(ConformanceTarget target) => new()
    {
        EnableMultipleHttp2Connections = true,
        SslOptions =
        {
            ClientCertificates = (target.ClientCertificate ?? target.Node?.Certificate) is { } certificate ? new X509CertificateCollection { certificate } : null,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => PrivateCa.Validates(certificate, target.Ca, errors),
        },
    };
}
