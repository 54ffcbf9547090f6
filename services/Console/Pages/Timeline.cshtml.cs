using Exchange.Contracts.Ledger.V1;
using Microsoft.AspNetCore.Mvc;

namespace Exchange.Console.Pages;

/// <summary>
/// Every disclosure about the people of one family (the pseudonyms the officer's organisation knows), across
/// all partners the officer may see, in time order: who received what, why; denials and break-glass marked.
/// </summary>
public sealed class TimelineModel : OfficerPageModel
{
    [BindProperty(SupportsGet = true, Name = "doel")]
    public string? Purpose { get; set; }

    [BindProperty(SupportsGet = true, Name = "pseudoniemen")]
    public string? Pseudonyms { get; set; }

    public OfficerReadPurpose ReadPurpose => ParsePurpose(Purpose);

    public IReadOnlyList<string> Subjects => (Pseudonyms ?? string.Empty)
        .Split(['\n', '\r', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();

    public List<OfficerEntry>? Entries { get; private set; }

    public bool Truncated { get; private set; }

    public async Task OnGetAsync()
    {
        if (ReadPurpose == OfficerReadPurpose.Unspecified || Subjects.Count == 0)
        {
            if (Pseudonyms is not null || Purpose is not null)
            {
                Problems.Add(Ui.T("Geef de pseudoniemen van de gezinsleden en een doel."));
            }

            return;
        }

        var request = new SearchRequest { Purpose = ReadPurpose, View = ReadView.FamilyTimeline, Kinds = { EntryKind.Decision } };
        request.SubjectPseudonyms.AddRange(Subjects);
        await TryAsync(async () => (Entries, Truncated) = await Ledger.SearchAllAsync(request, Options.MaxListed));
    }
}
