using Exchange.Console.Hosting;
using Exchange.Console.Law;
using Exchange.Console.Ledger;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Microsoft.Extensions.Options;

namespace Exchange.Console.Reviews;

/// <summary>A list a privacy officer is expected to go through, and what its id is in LIST_REVIEW entries.</summary>
public sealed record ReviewListDefinition(string Id, string Dutch, string English, string ExplanationDutch, string ExplanationEnglish);

/// <summary>One item on a review list: the entry, and the LIST_REVIEW entry once it was marked reviewed.</summary>
public sealed record ReviewItem(OfficerEntry Entry, OfficerEntry? Reviewed, string? Note);

/// <summary>
/// The review lists, built on what the ledger holds today: every break-glass use and refused attempt; every
/// release of HEALTH, CRIMINAL or CONFIDENTIAL_LOCATION; releases under a basis a professional weighs
/// (configurable by legal-basis id); releases near or after an agreement's end (agreements from the policy
/// bundle); every access-report withholding. Marking an item reviewed is a LIST_REVIEW entry.
/// </summary>
public sealed class ReviewLists(OfficerLedgerClient ledger, PolicyCatalogue catalogue, IOptions<ConsoleOptions> options, TimeProvider time)
{
    public static readonly ReviewListDefinition BreakGlass = new("break-glass", "Doorbraken", "Break-glass",
        "Elk gebruik van doorbraak en elke geweigerde poging.", "Every break-glass use and every refused attempt.");

    public static readonly ReviewListDefinition SpecialCategories = new("special-categories", "Bijzondere gegevens", "Special categories",
        "Elke verstrekking van gezondheids- of strafrechtelijke gegevens of een geheime verblijfplaats.",
        "Every release of health or criminal-law data or of a confidential location.");

    public static readonly ReviewListDefinition WeighedBasis = new("weighed-basis", "Afweging door professional", "Weighed by a professional",
        "Verstrekkingen onder een grondslag die een professional een recht geeft dat hij afweegt.",
        "Releases under a basis that gives a professional a right to weigh.");

    public static readonly ReviewListDefinition AgreementEnd = new("agreement-end", "Einde convenant", "Agreement end",
        "Verstrekkingen kort voor of na het einde van een convenant.", "Releases near or after an agreement's end.");

    public static readonly ReviewListDefinition Withholdings = new("withholdings", "Beperkingen inzage", "Access report restrictions",
        "Elke ontvanger die voor een betrokkene verborgen is gehouden.", "Every recipient withheld from a data subject's access report.");

    public static IReadOnlyList<ReviewListDefinition> All { get; } = [BreakGlass, SpecialCategories, WeighedBasis, AgreementEnd, Withholdings];

    public async Task<(List<ReviewItem> Items, bool Truncated)> LoadAsync(ReviewListDefinition list)
    {
        var max = options.Value.MaxListed;
        var found = new List<(OfficerEntry Entry, string? Note)>();
        var truncated = false;
        async Task AddAsync(SearchRequest request, Func<OfficerEntry, string?>? note = null, Func<OfficerEntry, bool>? keep = null)
        {
            request.Purpose = OfficerReadPurpose.RegularReview;
            request.View = ReadView.ReviewList;
            var (entries, cut) = await ledger.SearchAllAsync(request, max);
            truncated |= cut;
            found.AddRange(entries.Where(e => keep?.Invoke(e) ?? true).Select(e => (e, note?.Invoke(e))));
        }

        switch (list.Id)
        {
            case "break-glass":
                await AddAsync(new SearchRequest { Kinds = { EntryKind.Decision }, BreakGlass = true });
                break;
            case "special-categories":
                await AddAsync(new SearchRequest
                {
                    Kinds = { EntryKind.Release },
                    ReleasedAny = { DataCategory.Health, DataCategory.Criminal, DataCategory.ConfidentialLocation },
                });
                break;
            case "weighed-basis":
                // The bundle says which bases are a right the giver weighs; each release under one names who decided.
                await AddAsync(new SearchRequest { Kinds = { EntryKind.Release }, LegalBasisIds = { catalogue.LegalBases.Where(b => b.WeighedByHolder).Select(b => b.Id) } });
                break;
            case "agreement-end":
                foreach (var agreement in catalogue.Agreements.Where(a => a.ValidTo is not null && a.LegalBases.Count > 0))
                {
                    var from = agreement.ValidTo!.Value - options.Value.AgreementEndWindow;
                    if (from > time.GetUtcNow())
                    {
                        continue;
                    }

                    var partners = agreement.Partners.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
                    await AddAsync(
                        new SearchRequest
                        {
                            Kinds = { EntryKind.Release },
                            LegalBasisIds = { agreement.LegalBases.Select(b => b.Id).Take(20) },
                            From = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(from),
                        },
                        _ => agreement.Name,
                        e => partners.Contains(e.Entry.HolderOrganisationId) && partners.Contains(e.Entry.Requester.OrganisationId));
                }

                break;
            case "withholdings":
                await AddAsync(new SearchRequest { Kinds = { EntryKind.AccessReportWithholding } });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(list), list.Id, "Unknown review list.");
        }

        var marks = new SearchRequest { Purpose = OfficerReadPurpose.RegularReview, View = ReadView.ReviewList, Kinds = { EntryKind.ListReview } };
        var reviewed = (await ledger.SearchAllAsync(marks, 100_000)).Entries
            .Where(r => r.Entry.ReviewList == list.Id && r.Entry.HasConcernsSequence)
            .GroupBy(r => r.Entry.ConcernsSequence)
            .ToDictionary(g => g.Key, g => g.Last());
        var items = found
            .OrderByDescending(f => f.Entry.Entry.Sequence)
            .Select(f => new ReviewItem(f.Entry, reviewed.GetValueOrDefault(f.Entry.Entry.Sequence), f.Note))
            .ToList();
        return (items, truncated);
    }
}
