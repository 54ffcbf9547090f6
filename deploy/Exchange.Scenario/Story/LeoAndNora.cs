using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Exchange.Client.Local;
using Exchange.Contracts.Ledger;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.SocialTeam.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.Scenario.Console;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using SupportPlan = Exchange.Contracts.SocialTeam.V1.SupportPlan;
using VtAssessment = Exchange.Contracts.VeiligThuis.V1.SafetyAssessment;

namespace Exchange.Scenario.Story;

/// <summary>
/// The acceptance scenario (SCENARIO.md), steps 1 to 12, played through the gateway of a running exchange with the
/// demo partners' own certificates and tokens, the privacy officer at the console, and `exchange ledger verify`. Each
/// step checks what the scenario says must happen and throws <see cref="StepFailedException"/> naming the step when it
/// did not; the narration tells who did what and what the exchange decided. The launcher's demo and the system tests
/// play it.
/// </summary>
public sealed partial class LeoAndNora : IAsyncDisposable
{
    /// <summary>The family: Leo, Nora and their children of 6, 4 and 1 (test BSNs that pass the eleven-test).</summary>
    public static IReadOnlyList<string> Bsns { get; } = ["111222333", "123456782", "234567892", "345678904", "456789017"];

    public static IReadOnlyList<StoryStep> Steps { get; } =
    [
        new(1, "Een integrator sluit vier partners aan vanuit hun partnerbestanden", "An integrator onboards four partners from partner files"),
        new(2, "Elke organisatie zet de BSN's van het gezin om in eigen pseudoniemen", "Each organisation resolves the family's BSNs to its own pseudonyms"),
        new(3, "Het sociaal wijkteam meldt zijn betrokkenheid bij Nora en de kinderen", "The social team registers its involvement with Nora and the children"),
        new(4, "De politie meldt het incident en een huisverbod van 10 dagen tegen Leo", "The police publish the incident and a 10-day restraining order against Leo"),
        new(5, "Veilig Thuis publiceert een veiligheidsbeoordeling: 4 van 10, intimate terror", "Veilig Thuis publishes a safety assessment: 4 out of 10, intimate terror"),
        new(6, "De Raad vraagt het wijkteam naar Leo's verslaving (BW 1:240)", "The Raad asks the social team about Leo's addiction (BW 1:240)"),
        new(7, "Een wijkteammedewerker vraagt de politie om het verhaal van het incident", "A social-team worker asks the police for the incident narrative"),
        new(8, "Nora gaat naar een opvang; het adres is een geheime locatie", "Nora moves to a shelter; its address is a confidential location"),
        new(9, "Om 02:00 overtreedt Leo het huisverbod; een agent gebruikt de noodprocedure", "At 02:00 Leo breaks the order; an officer uses break-glass"),
        new(10, "De FG van Veilig Thuis beoordeelt de doorbraak in de console", "Veilig Thuis's privacy officer reviews the break-glass in the console"),
        new(11, "Nora vraagt welke organisaties haar gegevens kregen", "Nora asks which organisations received her data"),
        new(12, "Iemand wijzigt een rij van het grootboek rechtstreeks in de database", "Someone edits a ledger row directly in the database"),
    ];

    /// <summary>The police officer who uses break-glass in steps 8 and 9.</summary>
    public const string Agent = "agent-4410";

    /// <summary>Why the social team's professional approved the Raad's request (step 6).</summary>
    public const string HolderReason = "The Raad needs it to judge the children's safety; Leo was told the Raad asks.";

    private const string BreakGlassReviewComment = "Acuut gevaar was aannemelijk: Leo overtrad om 02:00 het huisverbod.";

    private readonly LocalManifest _manifest;
    private readonly Narration _narration;
    private readonly string? _exchangeCli;
    private readonly List<PartnerConnection> _connections = [];
    private readonly Dictionary<string, string[]> _people = new(StringComparer.Ordinal);
    private readonly Partner _police, _vt, _raad, _team;
    private StoryStep _step = Steps[0];
    private string _holderDecisionId = string.Empty, _denialId = string.Empty, _shelterBreakGlassId = string.Empty, _breakGlassId = string.Empty;
    private DateTimeOffset _banEnd;

    /// <param name="manifest">The running exchange: its gateway, console, ledger and the demo partners' credentials.</param>
    /// <param name="narration">Where the story is told.</param>
    /// <param name="exchangeCli">The built `exchange` command (exchange.dll), which step 12 runs as an administrator would; needed only for step 12.</param>
    public LeoAndNora(LocalManifest manifest, Narration narration, string? exchangeCli = null)
    {
        _manifest = manifest;
        _narration = narration;
        _exchangeCli = exchangeCli;
        _police = Connect(DemoPartners.Police);
        _vt = Connect(DemoPartners.VeiligThuis);
        _raad = Connect(DemoPartners.ChildProtection);
        _team = Connect(DemoPartners.SocialTeam);
    }

    /// <summary>What the story has left so far.</summary>
    public StoryFacts Facts => new([.. Bsns], _people.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), _holderDecisionId, _denialId, _shelterBreakGlassId, _breakGlassId);

    /// <summary>Plays steps 1 to <paramref name="through"/>, each told and checked; the first that fails stops the story.</summary>
    public async Task<StoryFacts> PlayAsync(int through = 12, CancellationToken cancellationToken = default)
    {
        Func<CancellationToken, Task>[] plays =
        [
            OnboardedAsync, PseudonymsAsync, InvolvementAsync, IncidentAsync, AssessmentAsync, HolderWeighsAsync,
            DeniedAsync, ShelterAsync, BreakGlassAsync, ReviewAsync, AccessReportAsync, TamperAsync,
        ];
        foreach (var step in Steps.Where(s => s.Number <= through))
        {
            _step = step;
            _narration.Begin(step);
            try
            {
                await plays[step.Number - 1](cancellationToken);
            }
            catch (StepFailedException failure)
            {
                _narration.Failed(failure);
                throw;
            }
            catch (Exception exception) when (exception is RpcException or InvalidOperationException or HttpRequestException or IOException or SqliteException
                                                  or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var failure = new StepFailedException(step, exception.Message, exception);
                _narration.Failed(failure);
                throw failure;
            }

            _narration.Passed(step);
        }

        return Facts;
    }

    /// <summary>Every entry of the exchange's ledger, as an operator reads it.</summary>
    public Task<IReadOnlyList<LedgerEntry>> LedgerAsync(CancellationToken cancellationToken = default) =>
        StoryLedger.ReadAsync(_manifest.Ledger.Sqlite, cancellationToken);

    public ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private Partner Connect(string organisationId)
    {
        var connection = _manifest.Connect(organisationId);
        _connections.Add(connection);
        return new Partner(organisationId, connection.Channel);
    }

    private string Name(Partner partner) => _manifest.Partner(partner.Id).Name;

    private string[] Family(Partner p) => _people[p.Id];

    private string[] Household(Partner p) => [Family(p)[StoryFacts.Nora], .. StoryFacts.Children.Select(c => Family(p)[c])];

    // Step 1: the launcher onboarded the partners from deploy/partners before the story; each must now be reachable with its own credentials.
    private async Task OnboardedAsync(CancellationToken ct)
    {
        foreach (var partner in new[] { _police, _vt, _raad, _team })
        {
            var registered = _manifest.Partner(partner.Id);
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(registered.Certificate);
            Expect(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == partner.Id,
                $"{partner.Id}'s client certificate is issued to '{certificate.GetNameInfo(X509NameType.SimpleName, false)}'");
            // A token from the identity service (bound to the certificate) and a call the gateway routes to the partner's own node.
            var pending = await new HolderDecisions.HolderDecisionsClient(partner.Channel).ListPendingAsync(new ListPendingRequest(), cancellationToken: ct);
            Expect(pending.Requests.Count == 0, $"{partner.Id} has requests waiting before the story began");
            _narration.Tell(
                $"{registered.Name}: clientcertificaat '{partner.Id}' (geldig tot {certificate.NotAfter:yyyy-MM-dd}), OAuth-client '{registered.ClientId}'; de gateway routeert zijn aanroepen naar zijn knooppunt ({registered.Domain}).",
                $"{registered.Name}: client certificate '{partner.Id}' (valid until {certificate.NotAfter:yyyy-MM-dd}), OAuth client '{registered.ClientId}'; the gateway routes its calls to its node ({registered.Domain}).");
        }

        _narration.Tell(
            "De conformancekit toetst een knooppunt zoals een partner het zelf host (met TLS); dat doen de systeemtests (tests/Exchange.System.Tests/Conformance). Hier draaien de knooppunten op loopback.",
            "The conformance kit tests a node as a partner hosts it (over TLS); the system tests run it (tests/Exchange.System.Tests/Conformance). Here the nodes run on loopback.");
    }

    private async Task PseudonymsAsync(CancellationToken ct)
    {
        foreach (var partner in new[] { _police, _vt, _raad, _team })
        {
            _people[partner.Id] = await Task.WhenAll(Bsns.Select(partner.ResolveAsync));
        }

        for (var person = 0; person < Bsns.Count; person++)
        {
            var pseudonyms = new[] { _police, _vt, _raad, _team }.Select(p => _people[p.Id][person]).ToList();
            Expect(pseudonyms.Distinct(StringComparer.Ordinal).Count() == pseudonyms.Count, $"person {person} has the same pseudonym at two organisations");
            Expect(!pseudonyms.Any(p => p.Contains(Bsns[person], StringComparison.Ordinal)), $"person {person}'s pseudonym contains the BSN");
        }

        Expect(_people[_police.Id][StoryFacts.Nora] == await _police.ResolveAsync(Bsns[StoryFacts.Nora]), "asked again, the police got another pseudonym for Nora");
        var invalid = await ExpectRpcErrorAsync(() => _police.ResolveAsync("123456789"), "a BSN that fails the eleven-test");
        Expect(invalid.StatusCode == StatusCode.InvalidArgument, $"a BSN that fails the eleven-test was answered {invalid.StatusCode}, not InvalidArgument");
        _narration.Tell(
            $"Nora heet bij de politie {Short(_people[_police.Id][StoryFacts.Nora])}…, bij Veilig Thuis {Short(_people[_vt.Id][StoryFacts.Nora])}…: elke organisatie een eigen pseudoniem. Het BSN wordt nergens opgeslagen; een ongeldig BSN krijgt INVALID_ARGUMENT.",
            $"Nora is {Short(_people[_police.Id][StoryFacts.Nora])}… to the police, {Short(_people[_vt.Id][StoryFacts.Nora])}… to Veilig Thuis: a pseudonym of each organisation's own. No BSN is stored; an invalid BSN gets INVALID_ARGUMENT.");
        _ = ct;
    }

    private async Task InvolvementAsync(CancellationToken ct)
    {
        // Before the story: the family is known to Veilig Thuis, and the Raad started an investigation.
        await _vt.RegisterInvolvementAsync(Purpose.SafetyAssessment, "Team Onderzoek", Family(_vt));
        await _raad.RegisterInvolvementAsync(Purpose.ChildProtectionInvestigation, "Locatie Tilburg", Family(_raad));
        await _team.RegisterInvolvementAsync(Purpose.RecoveryPlanning, "Wijkteam Noord", Household(_team));

        var vtMatches = Partner.Payloads<InvolvementMatch>(await _vt.InboxAsync(d => Partner.Payloads<InvolvementMatch>(d).Any(m => m.Other.OrganisationId == _team.Id))).ToList();
        var teamMatches = Partner.Payloads<InvolvementMatch>(await _team.InboxAsync(d => Partner.Payloads<InvolvementMatch>(d).Any(m => m.Other.OrganisationId == _vt.Id))).ToList();
        var teamAtVt = One(vtMatches, m => m.Other.OrganisationId == _team.Id, "the match with the social team in Veilig Thuis's inbox");
        Expect(teamAtVt.Other.ContactPoint.Team == "Wijkteam Noord", "Veilig Thuis does not see the social team's contact point");
        Expect(SameSet(Household(_vt), teamAtVt.Subjects.Select(s => s.Pseudonym)), "Veilig Thuis's match is not about Nora and the children in its own pseudonyms");
        var vtAtTeam = One(teamMatches, m => m.Other.OrganisationId == _vt.Id, "the match with Veilig Thuis in the social team's inbox");
        Expect(vtAtTeam.Other.ContactPoint.Team == "Team Onderzoek" && vtAtTeam.Other.Domain == Domain.VeiligThuis, "the social team does not see Veilig Thuis's contact point");
        Expect(SameSet(Household(_team), vtAtTeam.Subjects.Select(s => s.Pseudonym)), "the social team's match is not about Nora and the children in its own pseudonyms");
        _narration.Tell(
            $"Veilig Thuis en de Raad kenden het gezin al. Het wijkteam meldt zich; de index ziet dezelfde personen en meldt Veilig Thuis en het wijkteam elkaars contactpunt ('{teamAtVt.Other.ContactPoint.Team}', '{vtAtTeam.Other.ContactPoint.Team}'), niets meer.",
            $"Veilig Thuis and the Raad already knew the family. The social team registers; the index sees the same people and tells Veilig Thuis and the team each other's contact point ('{teamAtVt.Other.ContactPoint.Team}', '{vtAtTeam.Other.ContactPoint.Team}'), nothing more.");
        _ = ct;
    }

    private async Task IncidentAsync(CancellationToken ct)
    {
        var police = new PoliceSignals.PoliceSignalsClient(_police.Channel);
        var incident = new DomesticViolenceIncident
        {
            Suspect = Ref(Family(_police)[StoryFacts.Leo]),
            Victims = { Ref(Family(_police)[StoryFacts.Nora]) },
            ChildrenPresent = { StoryFacts.Children.Select(c => Ref(Family(_police)[c])) },
            Forms = { ViolenceForm.Physical, ViolenceForm.Threat },
            Narrative = "Leo hit Nora and threatened her in front of the children.",
            Injuries = "bruising on the left arm",
            ArrestMade = true,
            Offence = "art. 300 Sr (mishandeling)",
            Address = "Dorpsstraat 1, Tilburg",
        };
        await police.PublishIncidentAsync(new PublishIncidentRequest
        {
            Header = _police.Header("agent-2231", Family(_police), new Source { Kind = SourceKind.PoliceReport, Description = "proces-verbaal" }),
            Incident = incident,
        }, cancellationToken: ct);
        _banEnd = DateTimeOffset.UtcNow.AddDays(10);
        await police.PublishRestrainingOrderAsync(new PublishRestrainingOrderRequest
        {
            Header = _police.Header("agent-2231", Family(_police), new Source { Kind = SourceKind.PoliceReport }),
            Order = new RestrainingOrder
            {
                RestrainedPerson = Ref(Family(_police)[StoryFacts.Leo]),
                ProtectedPersons = { Household(_police).Select(Ref) },
                Kind = RestrainingOrderKind.HouseBan,
                Period = new Period { Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), End = Timestamp.FromDateTimeOffset(_banEnd) },
                ImposedBy = "burgemeester van Tilburg",
                Grounds = "The incident of tonight.",
            },
        }, cancellationToken: ct);

        static bool HasBoth(IReadOnlyList<Delivery> d) => Partner.Payloads<DomesticViolenceIncident>(d).Any() && Partner.Payloads<RestrainingOrder>(d).Any();
        foreach (var recipient in new[] { _vt, _raad })
        {
            var inbox = await recipient.InboxAsync(HasBoth);
            var received = One(Partner.Payloads<DomesticViolenceIncident>(inbox), _ => true, $"the incident in {recipient.Id}'s inbox");
            Expect(received.Narrative == incident.Narrative && received.Offence == incident.Offence, $"{recipient.Id} did not receive the incident's narrative and offence");
            Expect(received.Suspect.Pseudonym == Family(recipient)[StoryFacts.Leo], $"{recipient.Id} does not see Leo under its own pseudonym");
            One(Partner.Payloads<RestrainingOrder>(inbox), _ => true, $"the restraining order in {recipient.Id}'s inbox");
        }

        var teamInbox = await _team.InboxAsync(d => Partner.Payloads<RestrainingOrder>(d).Any());
        var order = One(Partner.Payloads<RestrainingOrder>(teamInbox), _ => true, "the restraining order in the social team's inbox");
        var basis = One(teamInbox, d => d.Signal.Payload.Is(RestrainingOrder.Descriptor), "the social team's delivery of the order").Receipt.LegalBasis.Id;
        Expect(!Partner.Payloads<DomesticViolenceIncident>(teamInbox).Any(), "the social team received the incident itself");
        Expect(order.Kind == RestrainingOrderKind.HouseBan && order.Period.End.Seconds == _banEnd.ToUnixTimeSeconds(), "the social team does not see that a house ban exists and until when");
        Expect(order.Grounds.Length == 0, "the social team received the order's grounds");
        Expect(order.RestrainedPerson.Pseudonym == Family(_team)[StoryFacts.Leo], "the social team does not see Leo under its own pseudonym");
        _narration.Tell(
            $"Veilig Thuis en de Raad krijgen het incident (met verhaal en strafbaar feit) en het huisverbod. Het wijkteam krijgt alleen dat er een huisverbod is, tot {_banEnd:yyyy-MM-dd}, op grondslag '{basis}'; de gronden en het incident blijven weg.",
            $"Veilig Thuis and the Raad receive the incident (narrative and offence) and the order. The social team receives only that a house ban exists, until {_banEnd:yyyy-MM-dd}, under '{basis}'; the grounds and the incident are left out.");
    }

    private async Task AssessmentAsync(CancellationToken ct)
    {
        var assessment = new VtAssessment
        {
            Score = 4,
            ViolenceType = ViolenceType.IntimateTerror,
            RiskFactors = { "separation", "court hearing on contact arrangement", "jealousy and control" },
            ProtectiveFactors = { "grandmother nearby" },
            InterviewNotes = "Separate interviews: Nora describes a pattern of control over money and contacts.",
            ChildStatements = { new ChildStatement { Child = Ref(Family(_vt)[StoryFacts.Children[0]]), Statement = "Daddy shouts at mummy." } },
            AssessedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        };
        await new VeiligThuisSignals.VeiligThuisSignalsClient(_vt.Channel).PublishSafetyAssessmentAsync(new Exchange.Contracts.VeiligThuis.V1.PublishSafetyAssessmentRequest
        {
            Header = _vt.Header("vt-onderzoeker-7", Family(_vt),
                new Source { Kind = SourceKind.PoliceReport, Description = "the police report of the incident" },
                new Source { Kind = SourceKind.Interview, Description = "separate interviews with both parents" }),
            Assessment = assessment,
        }, cancellationToken: ct);

        var raad = One(Partner.Payloads<VtAssessment>(await _raad.InboxAsync(d => Partner.Payloads<VtAssessment>(d).Any())), _ => true, "the assessment in the Raad's inbox");
        Expect(raad.Score == 4 && raad.InterviewNotes == assessment.InterviewNotes && raad.ChildStatements.Count == 1, "the Raad did not receive the assessment whole");
        var team = One(Partner.Payloads<VtAssessment>(await _team.InboxAsync(d => Partner.Payloads<VtAssessment>(d).Any())), _ => true, "the assessment in the social team's inbox");
        Expect(team.Score == 4 && team.ViolenceType == ViolenceType.IntimateTerror, "the social team did not receive the score and the violence type");
        Expect(team.InterviewNotes.Length == 0 && team.ChildStatements.Count == 0, "the social team received the interview notes or the child's statement");
        _narration.Tell(
            "De Raad krijgt de beoordeling helemaal, met gespreksverslagen. Het wijkteam krijgt score 4 en 'intimate terror', zonder de gespreksverslagen en de uitspraak van het kind.",
            "The Raad receives the assessment whole, interview notes included. The social team receives score 4 and 'intimate terror', without the interview notes and the child's statement.");
    }

    private async Task HolderWeighsAsync(CancellationToken ct)
    {
        // Leo's addiction is in the team's support plan, a record that shows by existing that the team supports Leo,
        // so the Raad asks for that involvement too.
        await new SocialTeamSignals.SocialTeamSignalsClient(_team.Channel).PublishSupportPlanAsync(new PublishSupportPlanRequest
        {
            Header = _team.Header("sw-0042", [Family(_team)[StoryFacts.Leo]], new Source { Kind = SourceKind.Interview }),
            Plan = new SupportPlan
            {
                Person = Ref(Family(_team)[StoryFacts.Leo]),
                Addiction = "Alcohol; in outpatient treatment since September.",
                Circumstances = "Debts after the separation.",
                AgreedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            },
        }, cancellationToken: ct);
        var asked = await _raad.RequestAsync(_team.Id, new DisclosureRequest
        {
            Subject = Ref(Family(_raad)[StoryFacts.Leo]),
            Purpose = Purpose.ChildProtectionInvestigation,
            LegalBasis = new LegalBasisRef { Id = "bw-1-240" },
            Categories = { DataCategory.Involvement, DataCategory.Health },
            Requester = _raad.Professional("raadsonderzoeker", "rvdk-113"),
            Explanation = "Raadsonderzoek: is the father's drinking a risk to the children?",
        });
        Expect(asked.Receipt.Decision == Decision.HolderDecisionRequired, $"the request was decided {asked.Receipt.Decision}, not left to the team's professional");
        Expect(asked.Receipt.LegalBasis.Id == "bw-1-240" && asked.Records.Count == 0, "the request was not held under BW 1:240, or data left before the professional weighed it");
        var waiting = One(Partner.Payloads<HolderDecisionRequested>(await _team.InboxAsync(d => Partner.Payloads<HolderDecisionRequested>(d).Any())), _ => true, "the request in the social team's inbox");
        Expect(waiting.HolderDecisionId == asked.Receipt.HolderDecisionId, "the social team was asked about another request");
        Expect(!(await LedgerAsync(ct)).Any(e => e.Kind == EntryKind.Release && e.HolderDecisionId == waiting.HolderDecisionId), "a release is in the ledger before the professional weighed the request");
        _narration.Tell(
            "BW 1:240 geeft het wijkteam een recht om te antwoorden, geen plicht: het verzoek wacht op de professional van het wijkteam. Er gaat nog niets weg.",
            "BW 1:240 gives the social team a right to answer, not a duty: the request waits for the team's professional. Nothing leaves yet.");

        var approved = await new HolderDecisions.HolderDecisionsClient(_team.Channel).ApproveAsync(new ApproveRequest
        {
            HolderDecisionId = waiting.HolderDecisionId,
            Professional = _team.Professional("sociaal werker", "sw-0042"),
            Reason = HolderReason,
        }, cancellationToken: ct);
        Expect(approved.RecordsDelivered == 1, $"the approval delivered {approved.RecordsDelivered} records, not the support plan");
        var raadInbox = await _raad.InboxAsync(d => Partner.Payloads<HolderDecisionOutcome>(d).Any());
        var delivered = One(raadInbox, d => d.Signal.Payload.Is(SupportPlan.Descriptor), "the support plan in the Raad's inbox");
        var plan = delivered.Signal.Payload.Unpack<SupportPlan>();
        Expect(plan.Addiction.Length > 0 && plan.Circumstances.Length == 0, "the Raad did not receive the addiction only");
        Expect(delivered.Receipt is { Decision: Decision.Permit, LegalBasis.Id: "bw-1-240", DecidedBy.ProfessionalId: "sw-0042" }, "the Raad's receipt does not name BW 1:240 and the professional who decided");

        var ledger = (await LedgerAsync(ct)).Where(e => e.HolderDecisionId == waiting.HolderDecisionId).ToList();
        var approval = One(ledger, e => e.Kind == EntryKind.HolderDecision, "the professional's approval in the ledger");
        Expect(approval.ReasonCode == DisclosureEntries.HolderApproved && approval.DecidedBy.ProfessionalId == "sw-0042" && approval.HolderDecisionReason == HolderReason,
            "the ledger's approval does not name the professional and the reason");
        var release = One(ledger, e => e.Kind == EntryKind.Release, "the release in the ledger");
        Expect(release is { LegalBasisId: "bw-1-240", BasisWeighedByHolder: true } && release.DecidedBy.ProfessionalId == "sw-0042" && release.DecidedBy.OrganisationId == _team.Id,
            "the release is not logged with BW 1:240 and who decided");
        _holderDecisionId = waiting.HolderDecisionId;
        _narration.Tell(
            $"Professional sw-0042 keurt het goed met een reden. Pas dan krijgt de Raad de verslaving (niet de schulden), en het grootboek legt vast: grondslag bw-1-240, gewogen door sw-0042 (vermeldingen {approval.Sequence} en {release.Sequence}).",
            $"Professional sw-0042 approves it with a reason. Only then does the Raad receive the addiction (not the debts), and the ledger records basis bw-1-240, weighed by sw-0042 (entries {approval.Sequence} and {release.Sequence}).");
    }

    private async Task DeniedAsync(CancellationToken ct)
    {
        var denied = await ExpectRpcErrorAsync(() => _team.RequestAsync(_police.Id, new DisclosureRequest
        {
            Subject = Ref(Family(_team)[StoryFacts.Nora]),
            Purpose = Purpose.RecoveryPlanning,
            LegalBasis = new LegalBasisRef { Id = "wth" },
            Categories = { DataCategory.Incident },
            Requester = _team.Professional("sociaal werker", "sw-0042"),
        }), "the social team's request for the incident narrative");
        Expect(denied.StatusCode == StatusCode.PermissionDenied && RpcErrors.ReasonOf(denied) == ReasonCodes.PurposeNotCovered,
            $"the request was answered {denied.StatusCode} {RpcErrors.ReasonOf(denied)}, not PermissionDenied {ReasonCodes.PurposeNotCovered}");
        _denialId = denied.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Metadata.GetValueOrDefault("decision_id") ?? string.Empty;
        var entry = One(await LedgerAsync(ct), e => e.Kind == EntryKind.Decision && e.DecisionId == _denialId, "the denial in the ledger");
        Expect(entry.Decision == Decision.Deny, "the ledger does not record a denial");
        _narration.Tell(
            $"Geweigerd: herstelplanning is geen doel waarvoor de politie het verhaal mag geven. De medewerker krijgt PERMISSION_DENIED met reden {ReasonCodes.PurposeNotCovered}; de weigering staat in het grootboek (vermelding {entry.Sequence}).",
            $"Denied: recovery planning is no purpose the police may give the narrative for. The worker gets PERMISSION_DENIED with reason {ReasonCodes.PurposeNotCovered}; the denial is in the ledger (entry {entry.Sequence}).");
    }

    private async Task ShelterAsync(CancellationToken ct)
    {
        const string Shelter = "Blijf Groep, Geheime Laan 7, Tilburg";
        await new VeiligThuisSignals.VeiligThuisSignalsClient(_vt.Channel).PublishShelterStayAsync(new PublishShelterStayRequest
        {
            Header = _vt.Header("vt-onderzoeker-7", Household(_vt), new Source { Kind = SourceKind.ProfessionalReport }),
            Stay = new ShelterStay
            {
                Residents = { Household(_vt).Select(Ref) },
                ShelterAddress = Shelter,
                Period = new Period { Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                InShelter = true,
            },
        }, cancellationToken: ct);
        foreach (var recipient in new[] { _raad, _team })
        {
            var stay = One(Partner.Payloads<ShelterStay>(await recipient.InboxAsync(d => Partner.Payloads<ShelterStay>(d).Any())), _ => true, $"the shelter stay in {recipient.Id}'s inbox");
            Expect(stay.InShelter && stay.ShelterAddress.Length == 0 && stay.Residents.Count == 0, $"{recipient.Id} received the shelter's address or its residents");
        }

        // The Raad's own request waits for Veilig Thuis's professional (BW 1:240); the address is refused at once.
        var raadAsks = await _raad.RequestAsync(_vt.Id, new DisclosureRequest
        {
            Subject = Ref(Family(_raad)[StoryFacts.Nora]),
            Purpose = Purpose.ChildProtectionInvestigation,
            LegalBasis = new LegalBasisRef { Id = "bw-1-240" },
            Categories = { DataCategory.Safety, DataCategory.ConfidentialLocation },
            Requester = _raad.Professional("raadsonderzoeker", "rvdk-113"),
            PayloadTypes = { ShelterStay.Descriptor.FullName },
        });
        var refused = One(raadAsks.Receipt.Denied, _ => true, "the refused category of the Raad's request");
        Expect(refused.Category == DataCategory.ConfidentialLocation && refused.ReasonCode == ReasonCodes.HardDenial && raadAsks.Records.Count == 0,
            "the Raad's request for the shelter's address was not refused outright");

        var policeAsks = await _police.RequestAsync(_vt.Id, new DisclosureRequest
        {
            Subject = Ref(Family(_police)[StoryFacts.Nora]),
            Purpose = Purpose.AcuteSafety,
            LegalBasis = new LegalBasisRef { Id = "vt-task" },
            Categories = { DataCategory.Safety, DataCategory.ConfidentialLocation },
            Requester = _police.Professional("noodhulp", Agent),
            PayloadTypes = { ShelterStay.Descriptor.FullName },
            BreakGlass = new BreakGlass { Justification = "Leo is on his way to the shelter; officers must protect Nora and the children." },
        });
        var record = One(policeAsks.Records, _ => true, "the shelter stay released to the police");
        Expect(record.Payload.Unpack<ShelterStay>().ShelterAddress == Shelter && policeAsks.Receipt.BreakGlass, "the police for acute safety did not receive the address");
        _shelterBreakGlassId = policeAsks.Receipt.DecisionId;
        _narration.Tell(
            $"De Raad en het wijkteam horen dat Nora in een opvang verblijft, zonder adres en bewoners; de Raad die er zelf om vraagt krijgt het adres niet ({ReasonCodes.HardDenial}). Alleen de politie krijgt het, voor acute veiligheid.",
            $"The Raad and the social team learn that Nora stays in a shelter, without its address and residents; the Raad asking for it is refused the address ({ReasonCodes.HardDenial}). Only the police get it, for acute safety.");
    }

    private async Task BreakGlassAsync(CancellationToken ct)
    {
        var asked = await _police.RequestAsync(_vt.Id, new DisclosureRequest
        {
            Subject = Ref(Family(_police)[StoryFacts.Nora]),
            Purpose = Purpose.AcuteSafety,
            LegalBasis = new LegalBasisRef { Id = "vt-task" },
            Categories = { DataCategory.Safety },
            Requester = _police.Professional("noodhulp", Agent),
            PayloadTypes = { VtAssessment.Descriptor.FullName },
            BreakGlass = new BreakGlass { Justification = "Leo broke the restraining order at 02:00; we need the latest safety assessment before entering." },
        });
        Expect(asked.Receipt.BreakGlass && asked.Receipt.Decision != Decision.Deny, "the break-glass request was not released as break-glass");
        Expect(asked.Records.Any(r => r.Payload.Is(VtAssessment.Descriptor)), "the officer did not receive the safety assessment");
        Expect(asked.Receipt.Obligations.Any(o => o.Kind == ObligationKind.ReviewRequired), "the release carries no review obligation");
        _breakGlassId = asked.Receipt.DecisionId;
        var notice = One(Partner.Payloads<BreakGlassNotice>(await _vt.InboxAsync(d => Partner.Payloads<BreakGlassNotice>(d).Any(n => n.DecisionId == _breakGlassId))),
            n => n.DecisionId == _breakGlassId, "Veilig Thuis's notice of the break-glass");
        var entry = One(await LedgerAsync(ct), e => e.Kind == EntryKind.Decision && e.DecisionId == _breakGlassId, "the break-glass decision in the ledger");
        Expect(entry.BreakGlassJustification.Length > 0 && entry.ReviewState == ReviewState.Pending, $"the break-glass entry is not flagged and waiting in review ({entry.ReviewState})");
        _narration.Tell(
            $"Vrijgegeven met de noodprocedure en gemarkeerd: de agent krijgt de laatste beoordeling; Veilig Thuis krijgt bericht (grondslag '{notice.LegalBasis.Id}'), en vermelding {entry.Sequence} wacht op beoordeling door de FG.",
            $"Released by break-glass and flagged: the officer gets the latest assessment; Veilig Thuis is notified (basis '{notice.LegalBasis.Id}'), and entry {entry.Sequence} waits for the privacy officer's review.");
    }

    private async Task ReviewAsync(CancellationToken ct)
    {
        var breakGlass = One(await LedgerAsync(ct), e => e.Kind == EntryKind.Decision && e.DecisionId == _breakGlassId, "the break-glass decision in the ledger");
        using var officer = await OfficerBrowser.LoginAsync(_manifest, _vt.Id, ct);
        var (url, page) = await officer.GetAsync("/doorbraak", ct);
        Expect(page.Contains($"/vermelding/{breakGlass.Sequence}?", StringComparison.Ordinal), $"the console's break-glass page does not list entry {breakGlass.Sequence}");
        Expect(WebUtility.HtmlDecode(page).Contains("Leo broke the restraining order at 02:00", StringComparison.Ordinal), "the console does not show the officer's justification");
        var (reviewed, _) = await officer.SubmitAsync(url, page, $"name=\"vermelding\" value=\"{breakGlass.Sequence}\"",
            [new("oordeel", "goedkeuren"), new("toelichting", BreakGlassReviewComment)], ct);
        var sequence = Query(reviewed, "beoordeeld") ?? throw new StepFailedException(_step, "the console did not record the review");
        var review = One(await LedgerAsync(ct), e => e.Sequence == sequence, "the review in the ledger");
        Expect(review.Kind == EntryKind.Review && review.ConcernsSequence == breakGlass.Sequence && review.Review.Verdict == ReviewState.Approved
            && review.Review.Comment == BreakGlassReviewComment && review.Review.Reviewer.OrganisationId == _vt.Id, "the ledger's review entry is not the officer's approval with the comment");

        _narration.Tell(
            $"De FG van Veilig Thuis logt in, ziet de doorbraak van {Agent} met de rechtvaardiging, en keurt hem goed met een toelichting. Die beoordeling is zelf vermelding {review.Sequence} in het grootboek.",
            $"Veilig Thuis's privacy officer logs in, sees {Agent}'s break-glass with its justification, and approves it with a comment. That review is itself ledger entry {review.Sequence}.");
    }

    private async Task AccessReportAsync(CancellationToken ct)
    {
        var nora = Family(_vt)[StoryFacts.Nora];
        using var officer = await OfficerBrowser.LoginAsync(_manifest, _vt.Id, ct);
        var (url, page) = await officer.GetAsync($"/inzage?pseudoniem={Uri.EscapeDataString(nora)}", ct);
        var text = WebUtility.HtmlDecode(page);
        Expect(text.Contains(Name(_police), StringComparison.Ordinal) && text.Contains(Name(_raad), StringComparison.Ordinal),
            "the access report for Nora does not name the police and the Raad as recipients");

        // The police hold the shelter's address by break-glass; the report goes where Leo may read it.
        var (withheldAt, withheldPage) = await officer.SubmitAsync(url, page, "name=\"ontvangers\"",
        [
            new("ontvangers", _police.Id),
            new("grond", "uavg-41-1-i"),
            new("motivering", "Het rapport gaat naar een adres dat Leo nog kan inzien; dat de politie de opvanglocatie kent, brengt Nora in gevaar."),
            new("herbeoordelen", DateTimeOffset.UtcNow.AddMonths(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new("fg", "true"),
            new("betrokkene", "true"),
        ], ct);
        var sequence = Query(withheldAt, "beperkt") ?? throw new StepFailedException(_step, "the console did not record the withholding");
        var csvLink = CsvLink().Match(withheldPage);
        Expect(csvLink.Success, "the access report offers no CSV export");
        var (_, csv) = await officer.GetAsync(WebUtility.HtmlDecode(csvLink.Groups["href"].Value), ct);
        Expect(csv.Contains(Name(_raad), StringComparison.Ordinal) && !csv.Contains(Name(_police), StringComparison.Ordinal),
            "the exported report does not name the Raad, or still names the withheld police");
        var entry = One(await LedgerAsync(ct), e => e.Sequence == sequence, "the withholding in the ledger");
        Expect(entry.Kind == EntryKind.AccessReportWithholding && entry.Withholding.RecipientOrganisationIds.SequenceEqual([_police.Id]) && entry.Withholding.Ground == "uavg-41-1-i",
            "the ledger's withholding does not name the police and the ground");
        _narration.Tell(
            $"De FG stelt het inzagerapport voor Nora op: de Raad en de politie kregen haar gegevens. De politie kent de opvanglocatie; omdat Leo het rapport kan inzien, houdt de FG de politie buiten het rapport (UAVG art. 41). Vastgelegd als vermelding {entry.Sequence}; de CSV noemt de Raad en niet de politie.",
            $"The officer drafts Nora's access report: the Raad and the police received her data. The police know the shelter; since Leo may read the report, the officer withholds the police from it (UAVG art. 41). Recorded as entry {entry.Sequence}; the CSV names the Raad, not the police.");
    }

    private async Task TamperAsync(CancellationToken ct)
    {
        var breakGlass = One(await LedgerAsync(ct), e => e.Kind == EntryKind.Decision && e.DecisionId == _breakGlassId, "the break-glass decision in the ledger");
        // On a copy: the running exchange keeps writing its own ledger, and the demo leaves it whole.
        var copy = Path.Combine(Path.GetDirectoryName(_manifest.Ledger.Sqlite)!, "tampered-copy.db");
        File.Delete(copy);
        await using (var source = new SqliteConnection($"Data Source={_manifest.Ledger.Sqlite};Mode=ReadOnly;Pooling=false"))
        await using (var target = new SqliteConnection($"Data Source={copy};Pooling=false"))
        {
            await source.OpenAsync(ct);
            await target.OpenAsync(ct);
            source.BackupDatabase(target);
            await using var edit = target.CreateCommand();
            // Whoever can write the database can drop the append-only triggers; only verification catches the edit.
            edit.CommandText = """
                DROP TRIGGER IF EXISTS ledger_entries_no_update;
                UPDATE ledger_entries SET holder_organisation_id = 'politie-zwb' WHERE sequence = $sequence;
                """;
            edit.Parameters.AddWithValue("$sequence", (long)breakGlass.Sequence);
            Expect(await edit.ExecuteNonQueryAsync(ct) == 1, $"ledger row {breakGlass.Sequence} was not found to edit");
        }

        var (exit, output) = await RunExchangeAsync(ct, "ledger", "verify", "--sqlite", copy);
        File.Delete(copy);
        Expect(exit == 1, $"`exchange ledger verify` exited {exit} on the edited ledger, not 1: {output}");
        Expect(output.Contains($"entry {breakGlass.Sequence} does not verify", StringComparison.Ordinal), $"`exchange ledger verify` does not name entry {breakGlass.Sequence}: {output}");
        _narration.Tell(
            $"Iemand met toegang tot de database verbergt de doorbraak voor Veilig Thuis door in rij {breakGlass.Sequence} de houder te wijzigen (op een kopie). `exchange ledger verify` faalt (exitcode 1) en noemt de eerste vermelding die niet klopt:",
            $"Someone with access to the database hides the break-glass from Veilig Thuis by changing the holder in row {breakGlass.Sequence} (on a copy). `exchange ledger verify` fails (exit code 1) and names the first entry that does not verify:");
        _narration.Line("      " + output.Split('\n').First(l => l.Contains("does not verify", StringComparison.Ordinal)).Trim());
    }

    private async Task<(int ExitCode, string Output)> RunExchangeAsync(CancellationToken ct, params string[] arguments)
    {
        var cli = _exchangeCli ?? throw new InvalidOperationException("Step 12 runs `exchange ledger verify`: give the story the built exchange command.");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(cli);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("`exchange` did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private void Expect(bool condition, string failure)
    {
        if (!condition)
        {
            throw new StepFailedException(_step, failure);
        }
    }

    private T One<T>(IEnumerable<T> items, Func<T, bool> match, string what)
    {
        var found = items.Where(match).Take(2).ToList();
        Expect(found.Count == 1, $"expected exactly one of {what}, found {(found.Count == 0 ? "none" : "more")}");
        return found[0];
    }

    private async Task<RpcException> ExpectRpcErrorAsync(Func<Task> call, string what)
    {
        try
        {
            await call();
        }
        catch (RpcException exception)
        {
            return exception;
        }

        throw new StepFailedException(_step, $"{what} was answered, not refused");
    }

    private static bool SameSet(IEnumerable<string> expected, IEnumerable<string> actual) =>
        expected.Order(StringComparer.Ordinal).SequenceEqual(actual.Order(StringComparer.Ordinal));

    private static ulong? Query(Uri url, string name) =>
        System.Web.HttpUtility.ParseQueryString(url.Query)[name] is { } value && ulong.TryParse(value, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string Short(string pseudonym) => pseudonym.Length > 10 ? pseudonym[..10] : pseudonym;

    private static SubjectRef Ref(string pseudonym) => new() { Pseudonym = pseudonym };

    [GeneratedRegex("href=\"(?<href>[^\"]*handler=Csv[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex CsvLink();
}
