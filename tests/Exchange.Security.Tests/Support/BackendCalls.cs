using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;

namespace Exchange.Security.Tests.Support;

/// <summary>
/// Counts the requests that reach the services behind the gateway, by path: a refused call must not
/// show up here, an allowed one must.
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
            _calls.AddOrUpdate(context.Request.Path.Value ?? string.Empty, 1, (_, count) => count + 1);
            return next(context);
        });
}
