using System.Collections.Concurrent;
using Exchange.Gateway.Routing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Exchange.Gateway.Discovery;

/// <summary>
/// The health of a public service as the gateway sees it: serving when every service behind it that its calls
/// may go to answers its own health check with SERVING. Probed when asked, each destination at most every two
/// seconds, so that asking often costs the services behind little.
/// </summary>
public sealed class DestinationProbes(TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private readonly SocketsHttpHandler _handler = new() { EnableMultipleHttp2Connections = true };
    private readonly ConcurrentDictionary<Uri, GrpcChannel> _channels = new();
    private readonly ConcurrentDictionary<Uri, (DateTimeOffset At, bool Serving)> _results = new();

    public async Task<bool> IsServingAsync(Uri destination, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_results.TryGetValue(destination, out var known) && now - known.At < Fresh)
        {
            return known.Serving;
        }

        var channel = _channels.GetOrAdd(destination, d => GrpcChannel.ForAddress(d, new GrpcChannelOptions { HttpHandler = _handler, DisposeHttpClient = false }));
        bool serving;
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(
                new HealthCheckRequest(), deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellationToken);
            serving = reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException)
        {
            serving = false;
        }

        _results[destination] = (now, serving);
        return serving;
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _handler.Dispose();
    }
}

/// <summary>A health check per public service, reported by the gateway's grpc.health.v1.Health under the service's name.</summary>
public sealed class PublicServiceHealthCheck(string service, DestinationProbes probes, IOptionsMonitor<GatewayOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var destinations = RouteTable.Destinations(options.CurrentValue, service);
        var down = 0;
        foreach (var destination in destinations)
        {
            if (!await probes.IsServingAsync(destination, cancellationToken))
            {
                down++;
            }
        }

        return destinations.Count > 0 && down == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"{down} of {destinations.Count} services behind {service} do not answer");
    }
}
