using Exchange.Console.Reviews;
using Exchange.Contracts.Ledger.V1;
using Microsoft.AspNetCore.Mvc;

namespace Exchange.Console.Pages;

/// <summary>
/// The review lists a privacy officer is expected to go through (the Dutch AP fined a hospital for not
/// reviewing its logs regularly). Each item can be marked reviewed: a LIST_REVIEW entry.
/// </summary>
public sealed class ReviewsModel : OfficerPageModel
{
    [BindProperty(SupportsGet = true, Name = "lijst")]
    public string? ListId { get; set; }

    [BindProperty(SupportsGet = true, Name = "gemarkeerd")]
    public ulong? Marked { get; set; }

    public ReviewListDefinition List => ReviewLists.All.FirstOrDefault(l => l.Id == ListId) ?? ReviewLists.BreakGlass;

    public List<ReviewItem> Items { get; private set; } = [];

    public bool Truncated { get; private set; }

    public async Task OnGetAsync() => (Items, Truncated) = await Service().LoadAsync(List);

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "vermelding")] ulong sequence, [FromForm(Name = "opmerking")] string? comment)
    {
        MarkReviewedResponse? response = null;
        if (await TryAsync(async () => response = await Ledger.Service.MarkReviewedAsync(
                new MarkReviewedRequest { Sequence = sequence, ReviewList = List.Id, Comment = comment ?? string.Empty }, await Ledger.CallAsync())))
        {
            return Redirect($"/controle?lijst={List.Id}&gemarkeerd={response!.ReviewSequence}");
        }

        (Items, Truncated) = await Service().LoadAsync(List);
        return Page();
    }

    public string Title(ReviewListDefinition list) => Ui.IsEnglish ? list.English : list.Dutch;

    public string Explanation(ReviewListDefinition list) => Ui.IsEnglish ? list.ExplanationEnglish : list.ExplanationDutch;

    private ReviewLists Service() => HttpContext.RequestServices.GetRequiredService<ReviewLists>();
}
