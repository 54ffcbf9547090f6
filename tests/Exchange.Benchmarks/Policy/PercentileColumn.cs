using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Mathematics.OutlierDetection;

namespace Exchange.Benchmarks.Policy;

/// <summary>A percentile of the measured iterations that BenchmarkDotNet's StatisticColumn does not offer (P99).</summary>
internal sealed class PercentileColumn(int percentile) : IColumn
{
    public string Id => $"{nameof(PercentileColumn)}.P{percentile}";

    public string ColumnName => $"P{percentile}";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => percentile;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => $"Percentile {percentile} of all measured iterations";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        return statistics is null ? "NA" : string.Create(CultureInfo.InvariantCulture, $"{statistics.Percentiles.Percentile(percentile):N1} ns");
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>
/// What both policy benchmarks share: one launch, every measurement kept (no outlier removal, so the tail shows),
/// and the median, P50, P95, P99 and maximum columns.
/// </summary>
internal static class PolicyBenchmarkConfig
{
    public static Job Job(string id) => BenchmarkDotNet.Jobs.Job.Default
        .WithLaunchCount(1)
        .WithOutlierMode(OutlierMode.DontRemove)
        .WithStrategy(RunStrategy.Throughput)
        .WithId(id);

    public static ManualConfig With(this ManualConfig config, Job job) =>
        config.AddJob(job).AddColumn(StatisticColumn.Median, StatisticColumn.P50, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
}
