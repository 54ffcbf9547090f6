using Exchange.Console.Ledger;
using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Microsoft.AspNetCore.Mvc;

namespace Exchange.Console.Pages;

/// <summary>
/// One entry: who asked, who held, about whom, why, under which basis (with its article), what was asked,
/// released and denied and why, the rules and bundle, and the proof that the entry is in the ledger,
/// checked here against the latest signed checkpoint and downloadable for an offline check.
/// </summary>
public sealed class EntryModel : OfficerPageModel
{
    [FromRoute]
    public ulong Sequence { get; set; }

    [BindProperty(SupportsGet = true, Name = "doel")]
    public string? Purpose { get; set; }

    [BindProperty(SupportsGet = true, Name = "beoordeeld")]
    public ulong? Reviewed { get; set; }

    public OfficerReadPurpose ReadPurpose => ParsePurpose(Purpose);

    public GetEntryResponse? Read { get; private set; }

    public ProofResult? Proof { get; private set; }

    public LedgerEntry? Entry => Read?.Entry.Entry;

    /// <summary>May this officer review this break-glass: their organisation holds the data.</summary>
    public bool CanReview => Entry is { Kind: EntryKind.Decision } e && e.BreakGlassJustification.Length > 0 && e.HolderOrganisationId == Organisation;

    public async Task OnGetAsync()
    {
        if (ReadPurpose == OfficerReadPurpose.Unspecified)
        {
            return;
        }

        await LoadAsync();
    }

    public async Task<IActionResult> OnGetProofAsync()
    {
        if (ReadPurpose == OfficerReadPurpose.Unspecified)
        {
            return RedirectToPage(new { sequence = Sequence });
        }

        await LoadAsync();
        return File(ProofCheck.File(Sequence, Read!, Options.LedgerVerifierKey!), "application/json", $"bewijs-vermelding-{Sequence}.json");
    }

    public async Task<IActionResult> OnPostReviewAsync([FromForm(Name = "oordeel")] string? verdict, [FromForm(Name = "toelichting")] string? comment)
    {
        var state = verdict switch
        {
            "goedkeuren" => ReviewState.Approved,
            "afkeuren" => ReviewState.Rejected,
            _ => ReviewState.Unspecified,
        };
        ReviewBreakGlassResponse? review = null;
        var done = await TryAsync(async () => review = await Ledger.Service.ReviewBreakGlassAsync(
            new ReviewBreakGlassRequest { Sequence = Sequence, Verdict = state, Comment = comment ?? string.Empty }, await Ledger.CallAsync()));
        if (done)
        {
            return Redirect($"/vermelding/{Sequence}?doel={OfficerReadPurpose.BreakGlassReview}&beoordeeld={review!.ReviewSequence}");
        }

        Purpose = OfficerReadPurpose.BreakGlassReview.ToString();
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Read = await Ledger.Service.GetEntryAsync(new GetEntryRequest { Sequence = Sequence, Purpose = ReadPurpose }, await Ledger.CallAsync());
        Proof = ProofCheck.Check(Sequence, Read, HttpContext.RequestServices.GetRequiredService<NoteVerifier>());
    }
}
