using System.Diagnostics;
using System.Text.Json;

namespace Exchange.ServiceDefaults.Telemetry;

/// <summary>
/// Writes every finished span (name, ids, duration, tags) as one JSON line to a file, for local runs
/// without a collector: a developer can follow a disclosure across services, and tests can check that
/// no trace carries personal data. Enabled by <c>Telemetry:TraceFile</c>.
/// </summary>
public sealed class TraceFileExporter : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();

    public TraceFileExporter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Exchange", StringComparison.Ordinal) || source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || source.Name.StartsWith("System.Net.Http", StringComparison.Ordinal),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Write,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private void Write(Activity activity)
    {
        var line = JsonSerializer.Serialize(new
        {
            name = activity.DisplayName,
            source = activity.Source.Name,
            trace_id = activity.TraceId.ToHexString(),
            span_id = activity.SpanId.ToHexString(),
            parent_id = activity.ParentSpanId.ToHexString(),
            start = activity.StartTimeUtc,
            duration_ms = Math.Round(activity.Duration.TotalMilliseconds, 3),
            status = activity.Status.ToString(),
            tags = activity.TagObjects.ToDictionary(t => t.Key, t => t.Value?.ToString()),
        });
        lock (_gate)
        {
            _writer.WriteLine(line);
        }
    }
}
