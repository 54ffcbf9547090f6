using System.Text;
using Exchange.Console.Export;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc;

namespace Exchange.Console.Pages;

/// <summary>
/// Ledger search: every filter the ledger offers, keyset paging through the whole ledger, and a CSV export
/// of the whole result. Nothing is read until the officer has said why (the purpose is recorded with the read).
/// </summary>
public sealed class SearchModel : OfficerPageModel
{
    [BindProperty(SupportsGet = true, Name = "doel")]
    public string? Purpose { get; set; }

    [BindProperty(SupportsGet = true, Name = "van")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "tot")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "houder")]
    public string? Holder { get; set; }

    [BindProperty(SupportsGet = true, Name = "ontvanger")]
    public string? Recipient { get; set; }

    [BindProperty(SupportsGet = true, Name = "pseudoniem")]
    public string? Subject { get; set; }

    [BindProperty(SupportsGet = true, Name = "grondslag")]
    public string? LegalBasis { get; set; }

    [BindProperty(SupportsGet = true, Name = "verstrekkingsdoel")]
    public Purpose DisclosurePurpose { get; set; }

    [BindProperty(SupportsGet = true, Name = "beslissing")]
    public Decision Decision { get; set; }

    [BindProperty(SupportsGet = true, Name = "doorbraak")]
    public string? BreakGlass { get; set; }

    [BindProperty(SupportsGet = true, Name = "beoordeling")]
    public ReviewState ReviewState { get; set; }

    [BindProperty(SupportsGet = true, Name = "soort")]
    public EntryKind Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "categorie")]
    public DataCategory Category { get; set; }

    [BindProperty(SupportsGet = true, Name = "betreft")]
    public ulong? Concerns { get; set; }

    [BindProperty(SupportsGet = true, Name = "pagina")]
    public string? PageToken { get; set; }

    [BindProperty(SupportsGet = true, Name = "aantal")]
    public uint PageSize { get; set; } = 50;

    public OfficerReadPurpose ReadPurpose => ParsePurpose(Purpose);

    public SearchResponse? Result { get; private set; }

    public async Task OnGetAsync()
    {
        if (ReadPurpose == OfficerReadPurpose.Unspecified)
        {
            if (Purpose is { Length: > 0 })
            {
                Problems.Add(Ui.T("Kies een doel: elke inzage wordt met haar doel vastgelegd."));
            }

            return;
        }

        var request = ToRequest(ReadView.Search);
        if (request is null)
        {
            return;
        }

        request.PageSize = Math.Clamp(PageSize, 1, 1000);
        request.PageToken = PageToken ?? string.Empty;
        await TryAsync(async () => Result = await Ledger.Service.SearchAsync(request, await Ledger.CallAsync()));
    }

    /// <summary>The whole result as CSV, page after page of the ledger (each page a recorded read), without a cap.</summary>
    public async Task<IActionResult> OnGetCsvAsync()
    {
        var request = ReadPurpose == OfficerReadPurpose.Unspecified ? null : ToRequest(ReadView.Export);
        if (request is null)
        {
            return RedirectToPage(new { doel = Purpose });
        }

        request.PageSize = 1000;
        var first = await Ledger.Service.SearchAsync(request, await Ledger.CallAsync());
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"grootboek-{Organisation}-{Ui.InputDate(Clock.GetUtcNow())}.csv\"";
        await Response.Body.WriteAsync(Encoding.UTF8.GetPreamble());
        await WriteAsync(new Csv().Row("sequence", "recorded_at", "kind", "disclosure_kind", "recipient", "recipient_role", "professional_id", "holder",
            "subject_pseudonym", "purpose", "legal_basis", "requested", "released", "denied", "decision", "reason_code", "break_glass", "review_state", "rule_ids", "bundle_hash"));
        var page = first;
        while (true)
        {
            var csv = new Csv();
            foreach (var item in page.Entries)
            {
                var e = item.Entry;
                csv.Row(e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), e.RecordedAt?.ToDateTimeOffset().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    e.Kind.ToString(), e.DisclosureKind.ToString(), Names.NameOf(e.Requester?.OrganisationId ?? string.Empty), e.Requester?.Role, e.Requester?.ProfessionalId,
                    Names.NameOf(e.HolderOrganisationId), item.SubjectPseudonym, e.Purpose.ToString(), e.LegalBasisId,
                    string.Join(' ', e.Requested), string.Join(' ', e.Released), string.Join(' ', e.Denied.Select(d => $"{d.Category}:{d.ReasonCode}")),
                    e.Decision.ToString(), e.ReasonCode, e.BreakGlassJustification.Length > 0 ? "yes" : "no", item.EffectiveReviewState.ToString(),
                    string.Join(' ', e.RuleIds), e.BundleHash);
            }

            await WriteAsync(csv);
            if (page.NextPageToken.Length == 0)
            {
                return new EmptyResult();
            }

            request.PageToken = page.NextPageToken;
            page = await Ledger.Service.SearchAsync(request, await Ledger.CallAsync());
        }
    }

    /// <summary>The query string of this search with another page token (or handler).</summary>
    public string Link(string? page = null, string? handler = null)
    {
        var query = Request.Query.Where(q => q.Key is not ("pagina" or "handler")).ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        if (page is not null)
        {
            query["pagina"] = page;
        }

        if (handler is not null)
        {
            query["handler"] = handler;
        }

        return "/zoeken" + Microsoft.AspNetCore.Http.QueryString.Create(query);
    }

    private async Task WriteAsync(Csv csv) => await Response.Body.WriteAsync(Encoding.UTF8.GetBytes(csv.ToString()));

    private SearchRequest? ToRequest(ReadView view)
    {
        var request = new SearchRequest
        {
            Purpose = ReadPurpose,
            View = view,
            HolderOrganisationId = Holder ?? string.Empty,
            RecipientOrganisationId = Recipient ?? string.Empty,
            DisclosurePurpose = DisclosurePurpose,
            Decision = Decision,
            ReviewState = ReviewState,
        };
        if (Ui.StartOfDay(From) is { } from)
        {
            request.From = Timestamp.FromDateTimeOffset(from);
        }
        else if (From is { Length: > 0 })
        {
            Problems.Add(Ui.T("Van: geen datum."));
        }

        if (Ui.StartOfDay(To) is { } to)
        {
            // "Up to and including" the day the officer names.
            request.To = Timestamp.FromDateTimeOffset(to.AddDays(1));
        }
        else if (To is { Length: > 0 })
        {
            Problems.Add(Ui.T("Tot en met: geen datum."));
        }

        if (Subject is { Length: > 0 })
        {
            request.SubjectPseudonyms.Add(Subject.Trim());
        }

        if (LegalBasis is { Length: > 0 })
        {
            request.LegalBasisIds.Add(LegalBasis);
        }

        if (BreakGlass is "ja" or "nee")
        {
            request.BreakGlass = BreakGlass == "ja";
        }

        if (Kind != EntryKind.Unspecified)
        {
            request.Kinds.Add(Kind);
        }

        if (Concerns is { } concerns)
        {
            request.ConcernsSequence = concerns;
        }

        if (Category != DataCategory.Unspecified)
        {
            request.ReleasedAny.Add(Category);
        }

        return Problems.Count == 0 ? request : null;
    }
}
