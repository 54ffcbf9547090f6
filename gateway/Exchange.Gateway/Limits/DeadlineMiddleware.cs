using System.Globalization;
using Exchange.Gateway.Security;
using Microsoft.Extensions.Options;

namespace Exchange.Gateway.Limits;

/// <summary>
/// Gives every forwarded call a deadline (<c>grpc-timeout</c>): the caller's own when it is within the
/// limit, the limit when it asks for more, the default when it sets none. The service behind enforces
/// it and answers <c>DeadlineExceeded</c>, so no call holds a backend indefinitely.
/// </summary>
public sealed class DeadlineMiddleware(RequestDelegate next, IOptionsMonitor<GatewayOptions> options)
{
    private const string Header = "grpc-timeout";

    public Task InvokeAsync(HttpContext context)
    {
        var streaming = GatewayCall.Of(context)?.Rule.Streaming == true;
        var applied = Apply(context.Request.Headers[Header].ToString(), streaming, options.CurrentValue.Deadlines);
        context.Request.Headers[Header] = Math.Max(1, (long)applied.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "m";
        return next(context);
    }

    /// <summary>The deadline a call gets, from the <c>grpc-timeout</c> it sent (or none).</summary>
    public static TimeSpan Apply(string? requested, bool streaming, DeadlineOptions deadlines)
    {
        var max = streaming ? deadlines.MaxStreaming : deadlines.Max;
        var asked = TryParse(requested ?? string.Empty, out var value) ? value : (streaming ? max : deadlines.Default);
        return asked < max ? asked : max;
    }

    /// <summary>gRPC's TimeoutValue: at most 8 digits and a unit (H, M, S, m, u, n).</summary>
    public static bool TryParse(string value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length is < 2 or > 9 || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        TimeSpan? parsed = value[^1] switch
        {
            'H' => TimeSpan.FromHours(amount),
            'M' => TimeSpan.FromMinutes(amount),
            'S' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMilliseconds(amount),
            'u' => TimeSpan.FromMicroseconds(amount),
            'n' => TimeSpan.FromTicks(amount / 100),
            _ => null,
        };
        timeout = parsed ?? default;
        return parsed is not null;
    }
}
