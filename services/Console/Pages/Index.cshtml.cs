using Exchange.Console.Charts;
using Exchange.Contracts.Ledger.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Console.Pages;

/// <summary>
/// The overview: disclosures per purpose per week, the share denied, break-glass open and overdue,
/// withholdings due for review, the last checkpoint and when the ledger was last verified.
/// </summary>
public sealed class IndexModel : OfficerPageModel
{
    public SummarizeResponse Summary { get; private set; } = new();

    public IReadOnlyList<WeekRow> Weeks { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var now = Clock.GetUtcNow();
        var today = DateOnly.FromDateTime(Ui.Local(now).DateTime);
        var thisMonday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var firstMonday = thisMonday.AddDays(-7 * (Options.OverviewWeeks - 1));
        var from = Ui.StartOfDay(firstMonday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))!.Value;
        Summary = await Ledger.Service.SummarizeAsync(new SummarizeRequest
        {
            From = Timestamp.FromDateTimeOffset(from),
            To = Timestamp.FromDateTimeOffset(now.AddMinutes(1)),
            TimeZone = Options.TimeZone,
            ReviewDeadline = Duration.FromTimeSpan(Options.BreakGlassReviewDeadline),
        }, await Ledger.CallAsync());
        Weeks = WeekChart.Weeks(Summary.Weeks, thisMonday, Options.OverviewWeeks);
    }

    public string WeekLabel(string weekStart) =>
        DateOnly.ParseExact(weekStart, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            .ToString("d MMM", System.Globalization.CultureInfo.CurrentCulture);
}
