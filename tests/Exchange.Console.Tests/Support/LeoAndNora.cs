using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PublishSupportPlanRequest = Exchange.Contracts.SocialTeam.V1.PublishSupportPlanRequest;
using SocialTeamSignals = Exchange.Contracts.SocialTeam.V1.SocialTeamSignals;
using SupportPlan = Exchange.Contracts.SocialTeam.V1.SupportPlan;
using VtAssessment = Exchange.Contracts.VeiligThuis.V1.SafetyAssessment;

namespace Exchange.Console.Tests.Support;

/// <summary>What the story left in the exchange that the officers' pages are about.</summary>
public sealed record StoryFacts(
    IReadOnlyList<string> Bsns,
    IReadOnlyDictionary<string, string[]> Pseudonyms,
    string DenialDecisionId,
    string ShelterBreakGlassDecisionId,
    string BreakGlassDecisionId,
    string HolderDecisionId)
{
    public const int Leo = 0, Nora = 1;

    /// <summary>The family's pseudonyms at one organisation: Leo, Nora and the three children.</summary>
    public string[] Family(string organisationId) => Pseudonyms[organisationId];
}

/// <summary>
/// The acceptance scenario (SCENARIO.md) up to the morning of step 10, played through the gateway as the
/// scenario system test plays it: steps 2 to 9. Each step checks only that it happened; the scenario test checks
/// what each partner got.
/// </summary>
public static class LeoAndNora
{
    public const string Agent = "agent-4410";

    /// <summary>Why the social team's professional approved the Raad's request (step 6).</summary>
    public const string HolderReason = "The Raad needs it to judge the children's safety; Leo was told the Raad asks.";

    private static readonly string[] Bsns = ["111222333", "123456782", "234567892", "345678904", "456789017"];
    private static readonly int[] Children = [2, 3, 4];

    public static async Task<StoryFacts> PlayAsync(LocalLauncher exchange)
    {
        var police = exchange.Partner(DemoPartners.Police);
        var vt = exchange.Partner(DemoPartners.VeiligThuis);
        var raad = exchange.Partner(DemoPartners.ChildProtection);
        var team = exchange.Partner(DemoPartners.SocialTeam);

        // Step 2: each organisation resolves the BSNs to its own pseudonyms.
        var people = new Dictionary<string, string[]>();
        foreach (var partner in new[] { police, vt, raad, team })
        {
            people[partner.Id] = await Task.WhenAll(Bsns.Select(partner.ResolveAsync));
        }

        string[] Family(Partner p) => people[p.Id];
        string[] Household(Partner p) => [Family(p)[StoryFacts.Nora], .. Children.Select(c => Family(p)[c])];

        // Before the story VT knows the family and the Raad investigates; step 3: the social team registers.
        await vt.RegisterInvolvementAsync(Purpose.SafetyAssessment, "Team Onderzoek", Family(vt));
        await raad.RegisterInvolvementAsync(Purpose.ChildProtectionInvestigation, "Locatie Tilburg", Family(raad));
        await team.RegisterInvolvementAsync(Purpose.RecoveryPlanning, "Wijkteam Noord", Household(team));

        // Step 4: the incident and the restraining order.
        await new PoliceSignals.PoliceSignalsClient(police.Channel).PublishIncidentAsync(new PublishIncidentRequest
        {
            Header = police.Header("agent-2231", Family(police), new Source { Kind = SourceKind.PoliceReport, Description = "proces-verbaal" }),
            Incident = new DomesticViolenceIncident
            {
                Suspect = Ref(Family(police)[StoryFacts.Leo]),
                Victims = { Ref(Family(police)[StoryFacts.Nora]) },
                ChildrenPresent = { Children.Select(c => Ref(Family(police)[c])) },
                Forms = { ViolenceForm.Physical, ViolenceForm.Threat },
                Narrative = "Leo hit Nora and threatened her in front of the children.",
                ArrestMade = true,
                Offence = "art. 300 Sr (mishandeling)",
            },
        });
        await new PoliceSignals.PoliceSignalsClient(police.Channel).PublishRestrainingOrderAsync(new PublishRestrainingOrderRequest
        {
            Header = police.Header("agent-2231", Family(police), new Source { Kind = SourceKind.PoliceReport }),
            Order = new RestrainingOrder
            {
                RestrainedPerson = Ref(Family(police)[StoryFacts.Leo]),
                ProtectedPersons = { Household(police).Select(Ref) },
                Kind = RestrainingOrderKind.HouseBan,
                Period = new Period { Start = Now(), End = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(10)) },
                ImposedBy = "burgemeester van Tilburg",
                Grounds = "The incident of tonight.",
            },
        });

        // Step 5: Veilig Thuis's safety assessment.
        await new VeiligThuisSignals.VeiligThuisSignalsClient(vt.Channel).PublishSafetyAssessmentAsync(new PublishSafetyAssessmentRequest
        {
            Header = vt.Header("vt-onderzoeker-7", Family(vt),
                new Source { Kind = SourceKind.PoliceReport, Description = "the police report of the incident" },
                new Source { Kind = SourceKind.Interview, Description = "separate interviews with both parents" }),
            Assessment = new VtAssessment
            {
                Score = 4,
                ViolenceType = ViolenceType.IntimateTerror,
                RiskFactors = { "separation", "court hearing on contact arrangement" },
                InterviewNotes = "Separate interviews: a pattern of control over money and contacts.",
                AssessedAt = Now(),
            },
        });

        // Step 6: the Raad asks the social team about Leo's addiction under BW 1:240, a right of the team that its
        // professional weighs: the request waits until sw-0042 approves it with a reason.
        await new SocialTeamSignals.SocialTeamSignalsClient(team.Channel).PublishSupportPlanAsync(new PublishSupportPlanRequest
        {
            Header = team.Header("sw-0042", [Family(team)[StoryFacts.Leo]], new Source { Kind = SourceKind.Interview }),
            Plan = new SupportPlan
            {
                Person = Ref(Family(team)[StoryFacts.Leo]),
                Addiction = "Alcohol; in outpatient treatment since September.",
                AgreedAt = Now(),
            },
        });
        var asked = await raad.RequestAsync(team.Id, new DisclosureRequest
        {
            Subject = Ref(Family(raad)[StoryFacts.Leo]),
            Purpose = Purpose.ChildProtectionInvestigation,
            LegalBasis = new LegalBasisRef { Id = "bw-1-240" },
            Categories = { DataCategory.Involvement, DataCategory.Health },
            Requester = raad.Professional("raadsonderzoeker", "rvdk-113"),
            Explanation = "Raadsonderzoek: is the father's drinking a risk to the children?",
        });
        Assert.Equal(Decision.HolderDecisionRequired, asked.Receipt.Decision);
        await new HolderDecisions.HolderDecisionsClient(team.Channel).ApproveAsync(new ApproveRequest
        {
            HolderDecisionId = asked.Receipt.HolderDecisionId,
            Professional = team.Professional("sociaal werker", "sw-0042"),
            Reason = HolderReason,
        });

        // Step 7: a social-team worker asks the police for the incident narrative: denied.
        var denial = await Assert.ThrowsAsync<RpcException>(() => team.RequestAsync(police.Id, new DisclosureRequest
        {
            Subject = Ref(Family(team)[StoryFacts.Nora]),
            Purpose = Purpose.RecoveryPlanning,
            LegalBasis = new LegalBasisRef { Id = "wth" },
            Categories = { DataCategory.Incident },
            Requester = team.Professional("sociaal werker", "sw-0042"),
        }));
        var denialId = denial.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["decision_id"];

        // Step 8: Nora moves to a shelter; the police, acutely, get its address only by break-glass.
        await new VeiligThuisSignals.VeiligThuisSignalsClient(vt.Channel).PublishShelterStayAsync(new PublishShelterStayRequest
        {
            Header = vt.Header("vt-onderzoeker-7", Household(vt), new Source { Kind = SourceKind.ProfessionalReport }),
            Stay = new ShelterStay
            {
                Residents = { Household(vt).Select(Ref) },
                ShelterAddress = "Blijf Groep, Geheime Laan 7, Tilburg",
                Period = new Period { Start = Now() },
                InShelter = true,
            },
        });
        var shelter = await police.RequestAsync(vt.Id, new DisclosureRequest
        {
            Subject = Ref(Family(police)[StoryFacts.Nora]),
            Purpose = Purpose.AcuteSafety,
            LegalBasis = new LegalBasisRef { Id = "vt-task" },
            Categories = { DataCategory.Safety, DataCategory.ConfidentialLocation },
            Requester = police.Professional("noodhulp", Agent),
            PayloadTypes = { ShelterStay.Descriptor.FullName },
            BreakGlass = new BreakGlass { Justification = "Leo is on his way to the shelter; officers must protect Nora and the children." },
        });

        // Step 9: at 02:00 Leo breaks the order; the officer needs VT's latest safety assessment: break-glass.
        var assessment = await police.RequestAsync(vt.Id, new DisclosureRequest
        {
            Subject = Ref(Family(police)[StoryFacts.Nora]),
            Purpose = Purpose.AcuteSafety,
            LegalBasis = new LegalBasisRef { Id = "vt-task" },
            Categories = { DataCategory.Safety },
            Requester = police.Professional("noodhulp", Agent),
            PayloadTypes = { VtAssessment.Descriptor.FullName },
            BreakGlass = new BreakGlass { Justification = "Leo broke the restraining order at 02:00; we need the latest safety assessment before entering." },
        });
        Assert.True(assessment.Receipt.BreakGlass);
        Assert.NotEqual(Decision.Deny, assessment.Receipt.Decision);

        return new StoryFacts(Bsns, people, denialId, shelter.Receipt.DecisionId, assessment.Receipt.DecisionId, asked.Receipt.HolderDecisionId);
    }

    private static SubjectRef Ref(string pseudonym) => new() { Pseudonym = pseudonym };

    private static Timestamp Now() => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
}
