using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Exchange.Gateway.Identity;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Security;

namespace Exchange.Gateway.Streams;

/// <summary>
/// A stream the gateway keeps open for a caller (an inbox subscription): it ends, with the reason, as soon as
/// the caller's credentials stop being good enough for a new call.
/// </summary>
public sealed class OpenStream : IDisposable
{
    private readonly CancellationTokenSource _end = new();
    private readonly Action<OpenStream> _close;
    private ITimer? _expiry;
    private RpcDenial? _reason;

    internal OpenStream(string organisationId, X509Certificate2 certificate, Action<OpenStream> close)
    {
        OrganisationId = organisationId;
        Certificate = certificate;
        _close = close;
    }

    public string OrganisationId { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>Cancelled when the gateway ends the stream.</summary>
    public CancellationToken Ending => _end.Token;

    /// <summary>Why the gateway ended the stream; null while it may run.</summary>
    public RpcDenial? Reason => Volatile.Read(ref _reason);

    internal void ExpireAt(ITimer timer) => _expiry = timer;

    internal void End(RpcDenial reason)
    {
        if (Interlocked.CompareExchange(ref _reason, reason, null) is null)
        {
            try
            {
                _end.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call finished as its credentials lapsed: nothing left to end.
            }
        }
    }

    public void Dispose()
    {
        _close(this);
        _expiry?.Dispose();
        _end.Dispose();
    }
}

/// <summary>
/// Every stream open through this gateway, rechecked as the credentials behind it change: a certificate that
/// the CRL now revokes (or that expired), or a partner that was suspended, ends its streams within a second of
/// the change becoming visible; a stream ends at the moment its access token stops being accepted. When the
/// gateway shuts down (a restart, a deployment) every open stream ends at once with UNAVAILABLE and
/// GATEWAY_RESTARTING after its last whole message, so that subscribers reconnect from their cursor instead of
/// seeing a reset connection (INTERNAL) when the shutdown timeout cuts them off.
/// </summary>
public sealed partial class OpenStreams : BackgroundService
{
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private static readonly RpcDenial Restarting = new(
        Grpc.Core.StatusCode.Unavailable, ReasonCodes.GatewayRestarting, "The gateway is restarting; reconnect and resume from your cursor.");

    private readonly ConcurrentDictionary<OpenStream, byte> _open = new();
    private readonly TrustStore _trust;
    private readonly PartnerDirectory _partners;
    private readonly TimeProvider _time;
    private readonly ILogger<OpenStreams> _logger;
    private readonly CancellationToken _stopping;

    public OpenStreams(TrustStore trust, PartnerDirectory partners, TimeProvider time, ILogger<OpenStreams> logger, IHostApplicationLifetime lifetime)
    {
        _trust = trust;
        _partners = partners;
        _time = time;
        _logger = logger;
        _stopping = lifetime.ApplicationStopping;
        // Before the server stops: Kestrel then waits for these calls, which end cleanly now, instead of cutting them off.
        _stopping.Register(EndAll);
    }

    public int Count => _open.Count;

    /// <summary>Tracks a stream until it is disposed; it ends by itself at <paramref name="validUntil"/>.</summary>
    public OpenStream Open(string organisationId, X509Certificate2 certificate, DateTimeOffset validUntil)
    {
        var stream = new OpenStream(organisationId, certificate, s => _open.TryRemove(s, out _));
        _open[stream] = 0;
        if (_stopping.IsCancellationRequested)
        {
            stream.End(Restarting);
            return stream;
        }

        var remaining = validUntil - _time.GetUtcNow();
        var expired = RpcDenial.Unauthenticated(ReasonCodes.TokenExpired, "The access token has expired; reconnect with a fresh token and resume from your cursor.");
        if (remaining <= TimeSpan.Zero)
        {
            stream.End(expired);
        }
        else
        {
            stream.ExpireAt(_time.CreateTimer(_ => stream.End(expired), null, remaining, Timeout.InfiniteTimeSpan));
        }

        return stream;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RecheckInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var stream in _open.Keys)
            {
                Recheck(stream);
            }
        }
    }

    private void EndAll()
    {
        if (!_open.IsEmpty)
        {
            LogEndingAll(_logger, _open.Count);
        }

        foreach (var stream in _open.Keys)
        {
            stream.End(Restarting);
        }
    }

    private void Recheck(OpenStream stream)
    {
        if (stream.Reason is not null)
        {
            return;
        }

        if (_trust.Recheck(stream.Certificate) is { } problem)
        {
            LogEnded(_logger, stream.OrganisationId, problem);
            stream.End(RpcDenial.Unauthenticated(ReasonCodes.CertificateRejected, "The client certificate is no longer accepted."));
        }
        else if (_partners.Find(stream.OrganisationId) is not { Suspended: false })
        {
            LogEnded(_logger, stream.OrganisationId, "no longer an admitted partner");
            stream.End(RpcDenial.PermissionDenied(ReasonCodes.UnknownOrganisation, "The organisation is not an admitted partner."));
        }
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Ended an open stream of {OrganisationId}: {Problem}")]
    private static partial void LogEnded(ILogger logger, string organisationId, string problem);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "Shutting down: ending {Count} open streams with GATEWAY_RESTARTING")]
    private static partial void LogEndingAll(ILogger logger, int count);
}
