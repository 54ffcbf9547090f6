using System.Globalization;
using System.Net;
using System.Text;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;

namespace Exchange.Console.Charts;

/// <summary>One week of the overview: decisions per purpose and how many were denied.</summary>
public sealed record WeekRow(string WeekStart, IReadOnlyDictionary<Purpose, uint> Decisions, uint Denied)
{
    public uint Total => (uint)Decisions.Values.Sum(v => (long)v);
}

/// <summary>
/// A stacked bar chart of decisions per purpose per week, drawn on the server as SVG so that it prints
/// and needs no script. Colours have at least 3:1 contrast with the page; the same numbers are in a table
/// beside it for screen readers and for anyone who cannot tell the colours apart.
/// </summary>
public static class WeekChart
{
    public static readonly IReadOnlyDictionary<Purpose, string> Colours = new Dictionary<Purpose, string>
    {
        [Purpose.SafetyAssessment] = "#0d47a1",
        [Purpose.AcuteSafety] = "#b71c1c",
        [Purpose.ProblemAnalysis] = "#4a148c",
        [Purpose.RecoveryPlanning] = "#1b5e20",
        [Purpose.ChildProtectionInvestigation] = "#e65100",
        [Purpose.ChildProtectionMeasure] = "#006064",
        [Purpose.CaseConference] = "#5d4037",
        [Purpose.Coordination] = "#616161",
    };

    /// <summary>The weeks of the overview, oldest first, every week present (zero when nothing happened).</summary>
    public static IReadOnlyList<WeekRow> Weeks(IEnumerable<WeekPurposeCount> counts, DateOnly lastWeekStart, int weeks)
    {
        var byWeek = counts.GroupBy(c => c.WeekStart, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var rows = new List<WeekRow>(weeks);
        for (var i = weeks - 1; i >= 0; i--)
        {
            var start = lastWeekStart.AddDays(-7 * i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var cells = byWeek.GetValueOrDefault(start) ?? [];
            rows.Add(new WeekRow(start, cells.ToDictionary(c => c.Purpose, c => c.Decisions), (uint)cells.Sum(c => (long)c.Denied)));
        }

        return rows;
    }

    public static string Svg(IReadOnlyList<WeekRow> weeks, Func<Purpose, string> purposeName, Func<string, string> weekLabel, string title, string description)
    {
        const int Width = 760, Height = 280, Left = 44, Bottom = 48, Top = 12, Right = 8;
        var max = Math.Max(1, weeks.Count == 0 ? 1 : weeks.Max(w => w.Total));
        var scale = NiceCeiling(max);
        var plotHeight = Height - Bottom - Top;
        var slot = (double)(Width - Left - Right) / Math.Max(1, weeks.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" class=\"chart\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"chart-title\">{E(title)}</title><desc id=\"chart-desc\">{E(description)}</desc>");
        for (var tick = 0; tick <= 4; tick++)
        {
            var value = scale * tick / 4;
            var y = Top + plotHeight - (plotHeight * tick / 4.0);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#949494\" stroke-width=\"0.5\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" font-size=\"12\" fill=\"#1a1a1a\">{value}</text>");
        }

        for (var i = 0; i < weeks.Count; i++)
        {
            var x = Left + (i * slot) + (slot * 0.15);
            var width = slot * 0.7;
            double y = Top + plotHeight;
            foreach (var (purpose, count) in weeks[i].Decisions.OrderBy(d => d.Key))
            {
                var height = plotHeight * count / (double)scale;
                y -= height;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{width:0.#}\" height=\"{height:0.#}\" fill=\"{Colours.GetValueOrDefault(purpose, "#000000")}\"><title>{E(purposeName(purpose))}: {count}</title></rect>");
            }

            if (i % Math.Max(1, weeks.Count / 6) == 0 || i == weeks.Count - 1)
            {
                svg.Append(CultureInfo.InvariantCulture,
                    $"<text x=\"{x + (width / 2):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1a1a1a\">{E(weekLabel(weeks[i].WeekStart))}</text>");
            }
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static long NiceCeiling(long value)
    {
        var magnitude = (long)Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 4, 5, 10 })
        {
            if (step * magnitude >= value && step * magnitude % 4 == 0)
            {
                return step * magnitude;
            }
        }

        return ((value + 3) / 4) * 4;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
