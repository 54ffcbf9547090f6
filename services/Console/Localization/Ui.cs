using System.Globalization;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Console.Hosting;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Exchange.Console.Localization;

/// <summary>
/// The words and formats of the pages: Dutch by default, English when the officer chooses it. Page text
/// is written in Dutch and looked up in <see cref="English"/> (a test checks every text of every page has
/// its English); times are shown in the configured time zone (Europe/Amsterdam).
/// </summary>
public sealed class Ui(IOptions<ConsoleOptions> options)
{
    public static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");
    public static readonly CultureInfo EnglishCulture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>The English of every Dutch page text.</summary>
    public static readonly IReadOnlyDictionary<string, string> English = EnglishTexts.All;

    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public string Language => IsEnglish ? "en" : "nl";

    public TimeZoneInfo Zone => _zone;

    /// <summary>A page text: the Dutch as written, or its English.</summary>
    public string T(string dutch) => IsEnglish && English.TryGetValue(dutch, out var english) ? english : dutch;

    /// <summary>A page text with arguments, e.g. T("{0} vermeldingen", 3).</summary>
    public string T(string dutch, params object[] arguments) => string.Format(CultureInfo.CurrentCulture, T(dutch), arguments);

    public DateTimeOffset Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, _zone);

    public string Time(DateTimeOffset time) => Local(time).ToString("d MMM yyyy HH:mm:ss", CultureInfo.CurrentCulture);

    public string Time(Timestamp? time) => time is null ? "—" : Time(time.ToDateTimeOffset());

    public string Date(DateTimeOffset time) => Local(time).ToString("d MMMM yyyy", CultureInfo.CurrentCulture);

    public string Date(Timestamp? time) => time is null ? "—" : Date(time.ToDateTimeOffset());

    /// <summary>A date for an input of type date: yyyy-MM-dd in the local zone.</summary>
    public string InputDate(DateTimeOffset time) => Local(time).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The start of a local day given as yyyy-MM-dd, as an instant.</summary>
    public DateTimeOffset? StartOfDay(string? date)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return null;
        }

        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, _zone.GetUtcOffset(local));
    }

    public string Number(double value) => value.ToString("#,0.##", CultureInfo.CurrentCulture);

    public string Percent(ulong part, ulong whole) => whole == 0 ? "—" : ((double)part / whole).ToString("P0", CultureInfo.CurrentCulture);

    public string Purpose(Purpose purpose) => Label(purpose switch
    {
        Contracts.V1.Purpose.SafetyAssessment => ("Veiligheidsbeoordeling", "Safety assessment"),
        Contracts.V1.Purpose.AcuteSafety => ("Acute veiligheid", "Acute safety"),
        Contracts.V1.Purpose.ProblemAnalysis => ("Probleemanalyse", "Problem analysis"),
        Contracts.V1.Purpose.RecoveryPlanning => ("Herstel", "Recovery planning"),
        Contracts.V1.Purpose.ChildProtectionInvestigation => ("Raadsonderzoek", "Child protection investigation"),
        Contracts.V1.Purpose.ChildProtectionMeasure => ("Kinderbeschermingsmaatregel", "Child protection measure"),
        Contracts.V1.Purpose.CaseConference => ("Casusoverleg", "Case conference"),
        Contracts.V1.Purpose.Coordination => ("Afstemming: wie is betrokken", "Coordination: who is involved"),
        _ => ("—", "—"),
    });

    public string Category(DataCategory category) => Label(category switch
    {
        DataCategory.Involvement => ("Betrokkenheid", "Involvement"),
        DataCategory.Identifying => ("Identificerend", "Identifying"),
        DataCategory.Contact => ("Contactgegevens", "Contact details"),
        DataCategory.ConfidentialLocation => ("Geheime verblijfplaats", "Confidential location"),
        DataCategory.Incident => ("Incident", "Incident"),
        DataCategory.Safety => ("Veiligheid", "Safety"),
        DataCategory.Measure => ("Maatregel", "Measure"),
        DataCategory.Health => ("Gezondheid", "Health"),
        DataCategory.Criminal => ("Strafrechtelijk", "Criminal law"),
        DataCategory.ChildVoice => ("Stem van het kind", "Child's voice"),
        DataCategory.Strengths => ("Krachten en netwerk", "Strengths and network"),
        DataCategory.SocialCircumstances => ("Sociale omstandigheden", "Social circumstances"),
        _ => ("—", "—"),
    });

    public string Categories(IEnumerable<DataCategory> categories)
    {
        var names = categories.Select(Category).ToList();
        return names.Count == 0 ? T("geen") : string.Join(", ", names);
    }

    public string Decision(Decision decision) => Label(decision switch
    {
        Contracts.V1.Decision.Permit => ("Toegestaan", "Permitted"),
        Contracts.V1.Decision.PartialPermit => ("Deels toegestaan", "Partly permitted"),
        Contracts.V1.Decision.Deny => ("Geweigerd", "Denied"),
        Contracts.V1.Decision.HolderDecisionRequired => ("Ter afweging bij de houder", "Awaiting the holder's professional"),
        _ => ("—", "—"),
    });

    public string Kind(EntryKind kind) => Label(kind switch
    {
        EntryKind.Decision => ("Beslissing", "Decision"),
        EntryKind.Release => ("Verstrekking", "Release"),
        EntryKind.Review => ("Beoordeling", "Review"),
        EntryKind.AccessReportWithholding => ("Beperking inzage", "Access report restriction"),
        EntryKind.OfficerRead => ("Inzage door FG", "Officer's read"),
        EntryKind.ListReview => ("Gecontroleerd", "Marked reviewed"),
        EntryKind.SignalReview => ("Signaal beoordeeld", "Signal reviewed"),
        EntryKind.HolderDecision => ("Besluit van de houder", "Holder's decision"),
        EntryKind.RegistryChange => ("Wijziging partnerregister", "Partner registry change"),
        _ => ("—", "—"),
    });

    public string DisclosureKind(DisclosureKind kind) => Label(kind switch
    {
        Contracts.V1.DisclosureKind.Pull => ("Opvraging", "Request"),
        Contracts.V1.DisclosureKind.Push => ("Doorgestuurd signaal", "Routed signal"),
        Contracts.V1.DisclosureKind.Lookup => ("Betrokkenheidsvraag", "Involvement lookup"),
        _ => ("—", "—"),
    });

    public string ReviewState(ReviewState state) => Label(state switch
    {
        Contracts.Ledger.V1.ReviewState.NotRequired => ("Niet nodig", "Not required"),
        Contracts.Ledger.V1.ReviewState.Pending => ("Wacht op beoordeling", "Waiting for review"),
        Contracts.Ledger.V1.ReviewState.Approved => ("Goedgekeurd", "Approved"),
        Contracts.Ledger.V1.ReviewState.Rejected => ("Afgekeurd", "Rejected"),
        _ => ("—", "—"),
    });

    public string ReadPurpose(OfficerReadPurpose purpose) => Label(purpose switch
    {
        OfficerReadPurpose.RegularReview => ("Periodieke controle van de logging", "Regular review of the logs"),
        OfficerReadPurpose.AccessRequest => ("Inzageverzoek van een betrokkene (AVG art. 15)", "A data subject's access request (GDPR art. 15)"),
        OfficerReadPurpose.BreakGlassReview => ("Beoordeling van een doorbraak", "Review of a break-glass"),
        OfficerReadPurpose.IncidentInvestigation => ("Onderzoek naar een incident of datalek", "Investigation of an incident or breach"),
        OfficerReadPurpose.Complaint => ("Klacht of bezwaar van een betrokkene", "A data subject's complaint or objection"),
        OfficerReadPurpose.SupervisoryRequest => ("Verzoek van de Autoriteit Persoonsgegevens", "Request of the supervisory authority"),
        OfficerReadPurpose.IntegrityCheck => ("Controle van de integriteit", "Integrity check"),
        _ => ("—", "—"),
    });

    public string ReadView(ReadView view) => Label(view switch
    {
        Contracts.Ledger.V1.ReadView.Search => ("zoeken", "search"),
        Contracts.Ledger.V1.ReadView.Entry => ("vermelding", "entry"),
        Contracts.Ledger.V1.ReadView.FamilyTimeline => ("gezinstijdlijn", "family timeline"),
        Contracts.Ledger.V1.ReadView.AccessReport => ("inzagerapport", "access report"),
        Contracts.Ledger.V1.ReadView.ReviewList => ("controlelijst", "review list"),
        Contracts.Ledger.V1.ReadView.Overview => ("overzicht", "overview"),
        Contracts.Ledger.V1.ReadView.Signals => ("signalen", "signals"),
        Contracts.Ledger.V1.ReadView.Integrity => ("integriteit", "integrity"),
        Contracts.Ledger.V1.ReadView.Export => ("export", "export"),
        Contracts.Ledger.V1.ReadView.Api => ("API", "API"),
        Contracts.Ledger.V1.ReadView.BreakGlassQueue => ("doorbraken", "break-glass queue"),
        _ => ("—", "—"),
    });

    public string Signal(SignalKind kind) => Label(kind switch
    {
        SignalKind.RequestVolume => ("Veel meer opvragingen dan gewoonlijk", "Requests far above the usual"),
        SignalKind.LookupWithoutInvolvement => ("Betrokkenheidsvraag zonder vervolg", "Lookup without a following involvement"),
        SignalKind.BreakGlassUse => ("Herhaalde doorbraak door één professional", "Repeated break-glass by one professional"),
        SignalKind.UnusualHours => ("Opvragingen op ongebruikelijke uren", "Requests at unusual hours"),
        SignalKind.RepeatedDenials => ("Herhaalde weigeringen over één persoon", "Repeated denials about one person"),
        _ => ("—", "—"),
    });

    public string Obligation(Obligation obligation) => obligation.Kind switch
    {
        ObligationKind.Retention => T("Bewaren tot {0} dagen", obligation.RetentionDays),
        ObligationKind.NoOnwardSharing => T("Niet verder verstrekken"),
        ObligationKind.NotifyHolder => T("Houder wordt geïnformeerd"),
        ObligationKind.ReviewRequired => T("Beoordeling door de FG vereist"),
        _ => "—",
    };

    private string Label((string Dutch, string English) label) => IsEnglish ? label.English : label.Dutch;
}
