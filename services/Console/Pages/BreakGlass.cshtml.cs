using Exchange.Contracts.Ledger.V1;
using Microsoft.AspNetCore.Mvc;

namespace Exchange.Console.Pages;

/// <summary>
/// Break-glass reviews: the queue with the justification, what was released and the deadline; the holder's
/// officer approves or rejects with a required comment, each review a ledger entry. Overdue ones are
/// escalated on the overview.
/// </summary>
public sealed class BreakGlassModel : OfficerPageModel
{
    [BindProperty(SupportsGet = true, Name = "beoordeeld")]
    public ulong? Reviewed { get; set; }

    public List<OfficerEntry> Open { get; private set; } = [];

    public List<OfficerEntry> Done { get; private set; } = [];

    public DateTimeOffset Deadline(OfficerEntry entry) => entry.Entry.RecordedAt.ToDateTimeOffset() + Options.BreakGlassReviewDeadline;

    public bool Overdue(OfficerEntry entry) => Deadline(entry) < Clock.GetUtcNow();

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "vermelding")] ulong sequence, [FromForm(Name = "oordeel")] string? verdict,
        [FromForm(Name = "toelichting")] string? comment)
    {
        var state = verdict switch
        {
            "goedkeuren" => ReviewState.Approved,
            "afkeuren" => ReviewState.Rejected,
            _ => ReviewState.Unspecified,
        };
        ReviewBreakGlassResponse? review = null;
        if (await TryAsync(async () => review = await Ledger.Service.ReviewBreakGlassAsync(
                new ReviewBreakGlassRequest { Sequence = sequence, Verdict = state, Comment = comment ?? string.Empty }, await Ledger.CallAsync())))
        {
            return Redirect($"/doorbraak?beoordeeld={review!.ReviewSequence}");
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var request = new SearchRequest { Purpose = OfficerReadPurpose.BreakGlassReview, View = ReadView.BreakGlassQueue, Kinds = { EntryKind.Decision }, BreakGlass = true };
        var (entries, _) = await Ledger.SearchAllAsync(request, Options.MaxListed);
        Open = [.. entries.Where(e => e.EffectiveReviewState == ReviewState.Pending).OrderBy(e => e.Entry.Sequence)];
        Done = [.. entries.Where(e => e.EffectiveReviewState != ReviewState.Pending).OrderByDescending(e => e.Entry.Sequence)];
    }
}
