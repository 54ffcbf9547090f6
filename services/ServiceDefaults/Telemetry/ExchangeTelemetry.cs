using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Exchange.ServiceDefaults.Telemetry;

/// <summary>
/// The exchange's own activity source and meter. Tags hold organisation ids, purposes and
/// decisions, never a subject: not even a pseudonym goes into a trace.
/// </summary>
public static class ExchangeTelemetry
{
    public const string Name = "Exchange";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>The W3C trace id of the current call, recorded in the ledger.</summary>
    public static string CurrentTraceId => Activity.Current?.TraceId.ToHexString() ?? string.Empty;
}
