using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;

namespace Exchange.Security.Tests.Support;

/// <summary>
/// Counts the requests that reach the services behind the gateway, by path: a refused call must not
/// show up here, an allowed one must. The gateway's own health probes of its destinations (which its health
/// publisher sends every so often, whatever a test does) are not partner calls and are not counted.
/// </summary>
public sealed class BackendCalls
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public int Count(string path) => _calls.GetValueOrDefault(path);

    public int Total => _calls.Values.Sum();

    /// <summary>Adds the counting middleware to a service; call it from the service's map step.</summary>
    public void Observe(WebApplication app) =>
        app.Use((context, next) =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            if (!path.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal))
            {
                _calls.AddOrUpdate(path, 1, (_, count) => count + 1);
            }

            return next(context);
        });
}
