using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;

namespace Exchange.Load;

/// <summary>Latencies and outcomes of every call, per worker without locks, merged at the end.</summary>
public sealed class LatencyRecorder
{
    private readonly ConcurrentBag<List<double>> _latencies = [];
    private readonly ConcurrentDictionary<StatusCode, int> _outcomes = new();

    public List<double> ForWorker()
    {
        var list = new List<double>(capacity: 100_000);
        _latencies.Add(list);
        return list;
    }

    public void Count(StatusCode status) => _outcomes.AddOrUpdate(status, 1, static (_, n) => n + 1);

    public static double Milliseconds(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;

    public LoadResult Result(TimeSpan elapsed)
    {
        var all = _latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        return new LoadResult(
            all.Length,
            _outcomes.ToDictionary(o => o.Key, o => o.Value),
            all.Length / elapsed.TotalSeconds,
            Percentile(0.50),
            Percentile(0.90),
            Percentile(0.99),
            all.Length == 0 ? 0 : all[^1]);
    }
}

/// <summary>One measurement: successful calls (timed), every outcome by status, throughput of successful calls, latencies in ms.</summary>
public sealed record LoadResult(int Calls, IReadOnlyDictionary<StatusCode, int> Outcomes, double PerSecond, double P50, double P90, double P99, double Max)
{
    /// <summary>Calls that ended with any status but OK.</summary>
    public int Errors => Outcomes.Where(o => o.Key != StatusCode.OK).Sum(o => o.Value);
}
