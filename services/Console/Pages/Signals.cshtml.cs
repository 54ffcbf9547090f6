using Exchange.Contracts.Ledger.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc;

namespace Exchange.Console.Pages;

/// <summary>
/// Access patterns worth a second look, computed by the ledger from the entries the officer may see, each
/// linking to the entries behind it; thresholds in configuration; marking one reviewed is a ledger entry.
/// </summary>
public sealed class SignalsModel : OfficerPageModel
{
    [BindProperty(SupportsGet = true, Name = "beoordeeld")]
    public ulong? Reviewed { get; set; }

    public DetectSignalsResponse Result { get; private set; } = new();

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "signaal")] string? id, [FromForm(Name = "toelichting")] string? comment)
    {
        await LoadAsync();
        var signal = Result.Signals.FirstOrDefault(s => s.Id == id);
        if (signal is null)
        {
            Problems.Add(Ui.T("Dat signaal bestaat niet meer; de lijst is bijgewerkt."));
            return Page();
        }

        ReviewSignalResponse? response = null;
        if (await TryAsync(async () => response = await Ledger.Service.ReviewSignalAsync(new ReviewSignalRequest
            {
                SignalId = signal.Id,
                Kind = signal.Kind,
                EvidenceSequences = { signal.EvidenceSequences },
                Comment = comment ?? string.Empty,
            }, await Ledger.CallAsync())))
        {
            return Redirect($"/signalen?beoordeeld={response!.ReviewSequence}");
        }

        return Page();
    }

    public string Describe(DetectedSignal signal) => signal.Kind switch
    {
        SignalKind.RequestVolume => Ui.T("{0} deed op één dag {1} opvragingen; gewoonlijk {2} per dag.", Names.NameOf(signal.OrganisationId), signal.Count, Ui.Number(signal.Baseline)),
        SignalKind.LookupWithoutInvolvement => Ui.T("{0} (professional {1}) vroeg naar betrokkenheid bij {2} maar meldde zich daarna niet als betrokken.",
            Names.NameOf(signal.OrganisationId), signal.ProfessionalId, signal.SubjectPseudonym),
        SignalKind.BreakGlassUse => Ui.T("Professional {0} van {1} gebruikte {2} keer de doorbraak.", signal.ProfessionalId, Names.NameOf(signal.OrganisationId), signal.Count),
        SignalKind.UnusualHours => Ui.T("Professional {0} van {1} deed {2} opvragingen op ongebruikelijke uren.", signal.ProfessionalId, Names.NameOf(signal.OrganisationId), signal.Count),
        SignalKind.RepeatedDenials => Ui.T("{0} weigeringen over dezelfde persoon ({1}).", signal.Count, signal.SubjectPseudonym),
        _ => string.Empty,
    };

    private async Task LoadAsync()
    {
        var now = Clock.GetUtcNow();
        Result = await Ledger.Service.DetectSignalsAsync(new DetectSignalsRequest
        {
            From = Timestamp.FromDateTimeOffset(now - Options.SignalPeriod),
            To = Timestamp.FromDateTimeOffset(now.AddMinutes(1)),
            TimeZone = Options.TimeZone,
            Thresholds = Options.Signals.ToContract(),
        }, await Ledger.CallAsync());
    }
}
