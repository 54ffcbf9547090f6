using System.Text;
using Exchange.Console.Export;
using Exchange.Console.Law;
using Exchange.Contracts.Ledger.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc;

namespace Exchange.Console.Pages;

/// <summary>One recipient in an access report: what it received, and the restriction withholding it, if any.</summary>
public sealed record RecipientRow(string OrganisationId, IReadOnlyList<OfficerEntry> Releases, OfficerEntry? Withheld);

/// <summary>
/// An access report (AVG art. 15) for one subject: the organisations that received the subject's data from
/// the officer's organisation, when, which categories, for which purpose under which basis. The subject is
/// entitled to the actual recipients (CJEU C-154/21); the officer may withhold a recipient only as far as
/// necessary and proportionate (AVG art. 23, UAVG art. 41), recording ground, reasoning, recipients, a review
/// date, that the privacy officer was informed and whether the subject is told: itself a ledger entry. The
/// report for the subject (printable HTML and CSV) leaves withheld recipients out and says that a
/// restriction applies, unless telling would defeat it.
/// </summary>
public sealed class AccessReportModel : OfficerPageModel
{
    [BindProperty(SupportsGet = true, Name = "pseudoniem")]
    public string? Subject { get; set; }

    [BindProperty(SupportsGet = true, Name = "beperkt")]
    public ulong? Withheld { get; set; }

    public List<RecipientRow>? Recipients { get; private set; }

    public bool Truncated { get; private set; }

    /// <summary>Whether the subject's report says that a restriction applies (every active restriction lets it).</summary>
    public bool SaysRestricted => Recipients?.Any(r => r.Withheld is { } w && w.Entry.Withholding.SubjectInformed) == true;

    public IEnumerable<RecipientRow> ForSubject => Recipients?.Where(r => r.Withheld is null) ?? [];

    public async Task OnGetAsync()
    {
        if (Subject is { Length: > 0 })
        {
            await LoadAsync();
        }
    }

    /// <summary>The report for the subject, printable.</summary>
    public async Task<IActionResult> OnGetReportAsync()
    {
        if (!await LoadAsync())
        {
            return Page();
        }

        return Partial("_AccessReportPrint", this);
    }

    /// <summary>The report for the subject as CSV.</summary>
    public async Task<IActionResult> OnGetCsvAsync()
    {
        if (!await LoadAsync())
        {
            return Page();
        }

        var csv = new Csv().Row(Ui.T("Ontvanger"), Ui.T("Wanneer"), Ui.T("Gegevens"), Ui.T("Doel"), Ui.T("Grondslag"));
        foreach (var row in ForSubject)
        {
            foreach (var release in row.Releases)
            {
                var e = release.Entry;
                csv.Row(Names.NameOf(row.OrganisationId), Ui.Time(e.RecordedAt), Ui.Categories(e.Released), Ui.Purpose(e.Purpose), Basis(e.LegalBasisId));
            }
        }

        if (SaysRestricted)
        {
            csv.Row(Ui.T("Voor een deel van de ontvangers geldt een beperking van uw recht op inzage (art. 41 UAVG)."));
        }

        return File(csv.ToBytes(), "text/csv; charset=utf-8", $"inzage-{Ui.InputDate(Clock.GetUtcNow())}.csv");
    }

    public async Task<IActionResult> OnPostWithholdAsync(
        [FromForm(Name = "ontvangers")] string[]? recipients,
        [FromForm(Name = "grond")] string? ground,
        [FromForm(Name = "motivering")] string? reasoning,
        [FromForm(Name = "herbeoordelen")] string? reviewOn,
        [FromForm(Name = "fg")] bool officerInformed,
        [FromForm(Name = "betrokkene")] bool subjectInformed)
    {
        if (!await LoadAsync())
        {
            return Page();
        }

        var chosen = (recipients ?? []).Where(r => Recipients!.Any(row => row.OrganisationId == r)).ToList();
        var anchor = Recipients!.Where(r => chosen.Contains(r.OrganisationId)).SelectMany(r => r.Releases).MaxBy(r => r.Entry.Sequence);
        if (anchor is null)
        {
            Problems.Add(Ui.T("Kies de ontvanger(s) die u wilt beperken."));
            return Page();
        }

        var request = new WithholdRecipientsRequest
        {
            SubjectPseudonym = Subject!.Trim(),
            ConcernsSequence = anchor.Entry.Sequence,
            Withholding = new Withholding
            {
                Ground = ground ?? string.Empty,
                Reasoning = reasoning ?? string.Empty,
                RecipientOrganisationIds = { chosen },
                PrivacyOfficerInformed = officerInformed,
                SubjectInformed = subjectInformed,
            },
        };
        if (Ui.StartOfDay(reviewOn) is { } date)
        {
            request.Withholding.ReviewOn = Timestamp.FromDateTimeOffset(date);
        }

        WithholdRecipientsResponse? response = null;
        if (await TryAsync(async () => response = await Ledger.Service.WithholdRecipientsAsync(request, await Ledger.CallAsync())))
        {
            return Redirect($"/inzage?pseudoniem={Uri.EscapeDataString(Subject)}&beperkt={response!.WithholdingSequence}");
        }

        return Page();
    }

    public string Basis(string id) => Catalogue.Basis(id) is { } basis ? $"{basis.Law}, {basis.Article}" : id;

    public string Link(string handler) => $"/inzage?handler={handler}&pseudoniem={Uri.EscapeDataString(Subject ?? string.Empty)}";

    private async Task<bool> LoadAsync()
    {
        if (Subject is not { Length: > 0 })
        {
            Problems.Add(Ui.T("Geef het pseudoniem van de betrokkene bij uw organisatie."));
            return false;
        }

        var releases = new SearchRequest
        {
            Purpose = OfficerReadPurpose.AccessRequest,
            View = ReadView.AccessReport,
            HolderOrganisationId = Organisation,
            Kinds = { EntryKind.Release },
            SubjectPseudonyms = { Subject.Trim() },
        };
        var withholdings = new SearchRequest
        {
            Purpose = OfficerReadPurpose.AccessRequest,
            View = ReadView.AccessReport,
            Kinds = { EntryKind.AccessReportWithholding },
            SubjectPseudonyms = { Subject.Trim() },
        };
        List<OfficerEntry> released = [];
        List<OfficerEntry> restrictions = [];
        var loaded = await TryAsync(async () =>
        {
            (released, var cut) = await Ledger.SearchAllAsync(releases, Options.MaxListed);
            (restrictions, _) = await Ledger.SearchAllAsync(withholdings, Options.MaxListed);
            Truncated = cut;
        });
        if (!loaded)
        {
            return false;
        }

        // A restriction holds until its review date; the latest one naming a recipient decides.
        var now = Clock.GetUtcNow();
        var active = restrictions.Where(r => r.Entry.Withholding.ReviewOn.ToDateTimeOffset() > now).ToList();
        Recipients = [.. released
            .GroupBy(r => r.Entry.Requester.OrganisationId, StringComparer.Ordinal)
            .Select(g => new RecipientRow(g.Key, [.. g.OrderBy(r => r.Entry.Sequence)],
                active.LastOrDefault(w => w.Entry.Withholding.RecipientOrganisationIds.Contains(g.Key))))
            .OrderBy(r => Names.NameOf(r.OrganisationId), StringComparer.CurrentCulture)];
        return true;
    }
}
