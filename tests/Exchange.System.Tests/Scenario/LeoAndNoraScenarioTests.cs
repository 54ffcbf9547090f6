using Exchange.Contracts.Subjects;
using System.Text;
using System.Text.RegularExpressions;
using Exchange.Contracts.ChildProtection.V1;
using Exchange.Contracts.Ledger;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.SocialTeam.V1;
using SupportPlan = Exchange.Contracts.SocialTeam.V1.SupportPlan;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.System.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using VtAssessment = Exchange.Contracts.VeiligThuis.V1.SafetyAssessment;
using VtPublishAssessment = Exchange.Contracts.VeiligThuis.V1.PublishSafetyAssessmentRequest;

namespace Exchange.System.Tests.Scenario;

/// <summary>
/// Steps 2 to 8 of the acceptance scenario (../shared/design/SCENARIO.md), played through the gateway
/// against the exchange as the launcher runs it: every service its own process, real TLS, SQLite. Step 6 waits
/// for the social team's professional, who approves (and, asked again, declines); after the story the court's
/// measure moves from the Raad to the GI. Each step asserts what must happen; at the end no file the exchange
/// wrote may hold a BSN.
/// </summary>
public sealed partial class LeoAndNoraScenarioTests
{
    private static readonly string[] Bsns = ["111222333", "123456782", "234567892", "345678904", "456789017"];
    private const int Leo = 0, Nora = 1;
    private static readonly int[] Children = [2, 3, 4];

    [Fact]
    public async Task The_story_of_Leo_and_Nora_plays_through_the_exchange_sharing_only_what_each_needs()
    {
        var ct = TestContext.Current.CancellationToken;
        // With trace files, so that the check below also covers every span the services record.
        await using var exchange = await LocalLauncher.StartAsync("--trace-files");
        var police = exchange.Partner(DemoPartners.Police);
        var vt = exchange.Partner(DemoPartners.VeiligThuis);
        var raad = exchange.Partner(DemoPartners.ChildProtection);
        var team = exchange.Partner(DemoPartners.SocialTeam);
        var all = new[] { police, vt, raad, team };

        // Step 2: each organisation resolves the BSNs to its own pseudonyms.
        var people = new Dictionary<string, string[]>();
        foreach (var partner in all)
        {
            people[partner.Id] = await Task.WhenAll(Bsns.Select(partner.ResolveAsync));
        }

        for (var person = 0; person < Bsns.Length; person++)
        {
            var pseudonyms = all.Select(p => people[p.Id][person]).ToList();
            Assert.Equal(pseudonyms.Count, pseudonyms.Distinct().Count());
            Assert.DoesNotContain(pseudonyms, p => p.Contains(Bsns[person], StringComparison.Ordinal));
        }

        Assert.Equal(people[police.Id][Nora], await police.ResolveAsync(Bsns[Nora]));
        var invalid = await Assert.ThrowsAsync<RpcException>(() => police.ResolveAsync("123456789"));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);

        string[] Family(Partner p) => people[p.Id];
        string[] Household(Partner p) => [Family(p)[Nora], .. Children.Select(c => Family(p)[c])];

        // Before the story: the family is known to Veilig Thuis, and the Raad started an investigation.
        await vt.RegisterInvolvementAsync(Purpose.SafetyAssessment, "Team Onderzoek", Family(vt));
        await raad.RegisterInvolvementAsync(Purpose.ChildProtectionInvestigation, "Locatie Tilburg", Family(raad));

        // Step 3: the social team registers its involvement with Nora and the children.
        await team.RegisterInvolvementAsync(Purpose.RecoveryPlanning, "Wijkteam Noord", Household(team));
        var vtMatches = Partner.Payloads<InvolvementMatch>(await vt.InboxAsync(d => Partner.Payloads<InvolvementMatch>(d).Any(m => m.Other.OrganisationId == team.Id))).ToList();
        var teamMatches = Partner.Payloads<InvolvementMatch>(await team.InboxAsync(d => Partner.Payloads<InvolvementMatch>(d).Any(m => m.Other.OrganisationId == vt.Id))).ToList();
        var teamAtVt = Assert.Single(vtMatches, m => m.Other.OrganisationId == team.Id);
        Assert.Equal("Wijkteam Noord", teamAtVt.Other.ContactPoint.Team);
        Assert.Equal(Household(vt).Order(), teamAtVt.Subjects.Select(s => s.Pseudonym).Order());
        var vtAtTeam = Assert.Single(teamMatches, m => m.Other.OrganisationId == vt.Id);
        Assert.Equal("Team Onderzoek", vtAtTeam.Other.ContactPoint.Team);
        Assert.Equal(Domain.VeiligThuis, vtAtTeam.Other.Domain);
        Assert.Equal(Household(team).Order(), vtAtTeam.Subjects.Select(s => s.Pseudonym).Order());

        // Step 4: the police publish the incident and a 10-day restraining order against Leo.
        var incident = new DomesticViolenceIncident
        {
            Suspect = Ref(Family(police)[Leo]),
            Victims = { Ref(Family(police)[Nora]) },
            ChildrenPresent = { Children.Select(c => Ref(Family(police)[c])) },
            Forms = { ViolenceForm.Physical, ViolenceForm.Threat },
            Narrative = "Leo hit Nora and threatened her in front of the children.",
            Injuries = "bruising on the left arm",
            ArrestMade = true,
            Offence = "art. 300 Sr (mishandeling)",
            Address = "Dorpsstraat 1, Tilburg",
        };
        await new PoliceSignals.PoliceSignalsClient(police.Channel).PublishIncidentAsync(new PublishIncidentRequest
        {
            Header = police.Header("agent-2231", Family(police), new Source { Kind = SourceKind.PoliceReport, Description = "proces-verbaal" }),
            Incident = incident,
        }, cancellationToken: ct);
        var banEnd = DateTimeOffset.UtcNow.AddDays(10);
        await new PoliceSignals.PoliceSignalsClient(police.Channel).PublishRestrainingOrderAsync(new PublishRestrainingOrderRequest
        {
            Header = police.Header("agent-2231", Family(police), new Source { Kind = SourceKind.PoliceReport }),
            Order = new RestrainingOrder
            {
                RestrainedPerson = Ref(Family(police)[Leo]),
                ProtectedPersons = { Household(police).Select(Ref) },
                Kind = RestrainingOrderKind.HouseBan,
                Period = new Period { Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), End = Timestamp.FromDateTimeOffset(banEnd) },
                ImposedBy = "burgemeester van Tilburg",
                Grounds = "The incident of tonight.",
            },
        }, cancellationToken: ct);

        static bool HasBoth(IReadOnlyList<Delivery> d) => Partner.Payloads<DomesticViolenceIncident>(d).Any() && Partner.Payloads<RestrainingOrder>(d).Any();
        foreach (var recipient in new[] { vt, raad })
        {
            var inbox = await recipient.InboxAsync(HasBoth);
            var received = Assert.Single(Partner.Payloads<DomesticViolenceIncident>(inbox));
            Assert.Equal(incident.Narrative, received.Narrative);
            Assert.Equal(incident.Offence, received.Offence);
            Assert.Equal(Family(recipient)[Leo], received.Suspect.Pseudonym);
            Assert.Single(Partner.Payloads<RestrainingOrder>(inbox));
        }

        var teamInbox = await team.InboxAsync(d => Partner.Payloads<RestrainingOrder>(d).Any());
        var order = Assert.Single(Partner.Payloads<RestrainingOrder>(teamInbox));
        Assert.Equal("wth", Assert.Single(teamInbox, d => d.Signal.Payload.Is(RestrainingOrder.Descriptor)).Receipt.LegalBasis.Id);
        Assert.Equal(RestrainingOrderKind.HouseBan, order.Kind);
        Assert.Equal(banEnd.ToUnixTimeSeconds(), order.Period.End.ToDateTimeOffset().ToUnixTimeSeconds());
        Assert.Empty(order.Grounds);
        Assert.Equal(Family(team)[Leo], order.RestrainedPerson.Pseudonym);

        // Step 5: Veilig Thuis publishes a safety assessment: 4 out of 10, intimate terror.
        var assessment = new VtAssessment
        {
            Score = 4,
            ViolenceType = ViolenceType.IntimateTerror,
            RiskFactors = { "separation", "court hearing on contact arrangement", "jealousy and control" },
            ProtectiveFactors = { "grandmother nearby" },
            InterviewNotes = "Separate interviews: Nora describes a pattern of control over money and contacts.",
            ChildStatements = { new ChildStatement { Child = Ref(Family(vt)[Children[0]]), Statement = "Daddy shouts at mummy." } },
            AssessedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        };
        await new VeiligThuisSignals.VeiligThuisSignalsClient(vt.Channel).PublishSafetyAssessmentAsync(new VtPublishAssessment
        {
            Header = vt.Header("vt-onderzoeker-7", Family(vt),
                new Source { Kind = SourceKind.PoliceReport, Description = "the police report of the incident" },
                new Source { Kind = SourceKind.Interview, Description = "separate interviews with both parents" }),
            Assessment = assessment,
        }, cancellationToken: ct);

        var raadAssessment = Assert.Single(Partner.Payloads<VtAssessment>(await raad.InboxAsync(d => Partner.Payloads<VtAssessment>(d).Any())));
        Assert.Equal(4u, raadAssessment.Score);
        Assert.Equal(assessment.InterviewNotes, raadAssessment.InterviewNotes);
        Assert.Equal("Daddy shouts at mummy.", Assert.Single(raadAssessment.ChildStatements).Statement);
        var teamAssessment = Assert.Single(Partner.Payloads<VtAssessment>(await team.InboxAsync(d => Partner.Payloads<VtAssessment>(d).Any())));
        Assert.Equal(4u, teamAssessment.Score);
        Assert.Equal(ViolenceType.IntimateTerror, teamAssessment.ViolenceType);
        Assert.Empty(teamAssessment.InterviewNotes);
        Assert.Empty(teamAssessment.ChildStatements);

        // Step 6: the Raad asks the social team what it knows of Leo's addiction. It is in the team's support plan,
        // a record that shows by existing that the team supports Leo, so the Raad asks for that involvement too.
        await new SocialTeamSignals.SocialTeamSignalsClient(team.Channel).PublishSupportPlanAsync(new PublishSupportPlanRequest
        {
            Header = team.Header("sw-0042", [Family(team)[Leo]], new Source { Kind = SourceKind.Interview }),
            Plan = new SupportPlan
            {
                Person = Ref(Family(team)[Leo]),
                Addiction = "Alcohol; in outpatient treatment since September.",
                Circumstances = "Debts after the separation.",
                AgreedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            },
        }, cancellationToken: ct);
        // BW 1:240 gives the team a right to answer, which its professional weighs: the request waits for them.
        var asked = await raad.RequestAsync(team.Id, new DisclosureRequest
        {
            Subject = Ref(Family(raad)[Leo]),
            Purpose = Purpose.ChildProtectionInvestigation,
            LegalBasis = new LegalBasisRef { Id = "bw-1-240" },
            Categories = { DataCategory.Involvement, DataCategory.Health },
            Requester = raad.Professional("raadsonderzoeker", "rvdk-113"),
            Explanation = "Raadsonderzoek: is the father's drinking a risk to the children?",
        });
        Assert.Equal(Decision.HolderDecisionRequired, asked.Receipt.Decision);
        Assert.Equal("bw-1-240", asked.Receipt.LegalBasis.Id);
        Assert.Equal([DataCategory.Involvement, DataCategory.Health], asked.Receipt.AwaitingHolder);
        Assert.Empty(asked.Records);
        var waiting = Assert.Single(Partner.Payloads<HolderDecisionRequested>(await team.InboxAsync(d => Partner.Payloads<HolderDecisionRequested>(d).Any())));
        Assert.Equal(asked.Receipt.HolderDecisionId, waiting.HolderDecisionId);
        Assert.Equal((raad.Id, "raadsonderzoeker", "rvdk-113"), (waiting.Requester.OrganisationId, waiting.Requester.Role, waiting.Requester.ProfessionalId));
        Assert.Equal(Family(team)[Leo], Assert.Single(waiting.Subjects).Pseudonym);
        Assert.Equal("Raadsonderzoek: is the father's drinking a risk to the children?", waiting.Explanation);
        Assert.DoesNotContain(await Ledger(exchange), e => e.Kind == EntryKind.Release && e.HolderDecisionId == waiting.HolderDecisionId);

        // The team's professional approves it with a reason; only then does it go, into the Raad's inbox.
        var teamDecisions = new HolderDecisions.HolderDecisionsClient(team.Channel);
        Assert.Equal(waiting.HolderDecisionId, Assert.Single((await teamDecisions.ListPendingAsync(new ListPendingRequest(), cancellationToken: ct)).Requests).HolderDecisionId);
        var approved = await teamDecisions.ApproveAsync(new ApproveRequest
        {
            HolderDecisionId = waiting.HolderDecisionId,
            Professional = team.Professional("sociaal werker", "sw-0042"),
            Reason = "The Raad needs it to judge the children's safety; Leo was told the Raad asks.",
        }, cancellationToken: ct);
        Assert.Equal(1u, approved.RecordsDelivered);
        var raadInbox = await raad.InboxAsync(d => Partner.Payloads<HolderDecisionOutcome>(d).Any());
        var delivered = Assert.Single(raadInbox, d => d.Signal.Payload.Is(SupportPlan.Descriptor));
        var plan = delivered.Signal.Payload.Unpack<SupportPlan>();
        Assert.Equal("Alcohol; in outpatient treatment since September.", plan.Addiction);
        Assert.Empty(plan.Circumstances);
        Assert.Equal((Decision.Permit, "bw-1-240", "sw-0042"), (delivered.Receipt.Decision, delivered.Receipt.LegalBasis.Id, delivered.Receipt.DecidedBy.ProfessionalId));
        Assert.Equal(HolderDecisionOutcome.Types.Outcome.Released, Assert.Single(Partner.Payloads<HolderDecisionOutcome>(raadInbox)).Outcome);

        // Logged with that basis and with who decided: the decision that left it to the team, the approval, the release.
        var ledger = (await Ledger(exchange)).Where(e => e.HolderDecisionId == waiting.HolderDecisionId).ToList();
        Assert.Equal(Decision.HolderDecisionRequired, Assert.Single(ledger, e => e.Kind == EntryKind.Decision && e.DecisionId == waiting.HolderDecisionId).Decision);
        var approval = Assert.Single(ledger, e => e.Kind == EntryKind.HolderDecision);
        Assert.Equal((DisclosureEntries.HolderApproved, "sw-0042"), (approval.ReasonCode, approval.DecidedBy.ProfessionalId));
        Assert.Equal("The Raad needs it to judge the children's safety; Leo was told the Raad asks.", approval.HolderDecisionReason);
        var release = Assert.Single(ledger, e => e.Kind == EntryKind.Release);
        Assert.Equal(("bw-1-240", "sw-0042", team.Id, true), (release.LegalBasisId, release.DecidedBy.ProfessionalId, release.DecidedBy.OrganisationId, release.BasisWeighedByHolder));

        // Asked for Leo's mental health too, the team's professional declines: nothing is released, and the Raad is told.
        var second = await raad.RequestAsync(team.Id, new DisclosureRequest
        {
            Subject = Ref(Family(raad)[Leo]),
            Purpose = Purpose.ChildProtectionInvestigation,
            Categories = { DataCategory.Involvement, DataCategory.Health },
            Requester = raad.Professional("raadsonderzoeker", "rvdk-113"),
            Explanation = "And his mental health?",
        });
        Assert.Equal(Decision.HolderDecisionRequired, second.Receipt.Decision);
        var declined = await teamDecisions.DeclineAsync(new DeclineRequest
        {
            HolderDecisionId = second.Receipt.HolderDecisionId,
            Professional = team.Professional("sociaal werker", "sw-0042"),
            Reason = "Already answered; nothing more is needed for the question.",
        }, cancellationToken: ct);
        Assert.Equal(Decision.Deny, declined.Receipt.Decision);
        var told = await raad.InboxAsync(d => Partner.Payloads<HolderDecisionOutcome>(d).Any(o => o.HolderDecisionId == second.Receipt.HolderDecisionId));
        Assert.Equal(HolderDecisionOutcome.Types.Outcome.Declined, Partner.Payloads<HolderDecisionOutcome>(told).Single(o => o.HolderDecisionId == second.Receipt.HolderDecisionId).Outcome);
        Assert.DoesNotContain(told, d => d.Receipt.HolderDecisionId == second.Receipt.HolderDecisionId && d.Signal.Payload.Is(SupportPlan.Descriptor));
        Assert.DoesNotContain(await Ledger(exchange), e => e.Kind == EntryKind.Release && e.HolderDecisionId == second.Receipt.HolderDecisionId);

        // Step 7: a social-team worker asks the police for the incident narrative, for recovery planning.
        var denied = await Assert.ThrowsAsync<RpcException>(() => team.RequestAsync(police.Id, new DisclosureRequest
        {
            Subject = Ref(Family(team)[Nora]),
            Purpose = Purpose.RecoveryPlanning,
            LegalBasis = new LegalBasisRef { Id = "wth" },
            Categories = { DataCategory.Incident },
            Requester = team.Professional("sociaal werker", "sw-0042"),
        }));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(ReasonCodes.PurposeNotCovered, RpcErrors.ReasonOf(denied));
        var denialId = denied.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["decision_id"];
        Assert.Equal(Decision.Deny, Assert.Single(await Ledger(exchange), e => e.DecisionId == denialId).Decision);

        // Step 8: Nora moves to a shelter; its address is a confidential location.
        const string Shelter = "Blijf Groep, Geheime Laan 7, Tilburg";
        await new VeiligThuisSignals.VeiligThuisSignalsClient(vt.Channel).PublishShelterStayAsync(new PublishShelterStayRequest
        {
            Header = vt.Header("vt-onderzoeker-7", Household(vt), new Source { Kind = SourceKind.ProfessionalReport }),
            Stay = new ShelterStay
            {
                Residents = { Household(vt).Select(Ref) },
                ShelterAddress = Shelter,
                Period = new Period { Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                InShelter = true,
            },
        }, cancellationToken: ct);
        foreach (var recipient in new[] { raad, team })
        {
            var stay = Assert.Single(Partner.Payloads<ShelterStay>(await recipient.InboxAsync(d => Partner.Payloads<ShelterStay>(d).Any())));
            Assert.True(stay.InShelter);
            Assert.Empty(stay.ShelterAddress);
            Assert.Empty(stay.Residents);
        }

        // The Raad's own request waits for Veilig Thuis's professional (BW 1:240); the address is refused at once.
        var raadAsks = await raad.RequestAsync(vt.Id, new DisclosureRequest
        {
            Subject = Ref(Family(raad)[Nora]),
            Purpose = Purpose.ChildProtectionInvestigation,
            LegalBasis = new LegalBasisRef { Id = "bw-1-240" },
            Categories = { DataCategory.Safety, DataCategory.ConfidentialLocation },
            Requester = raad.Professional("raadsonderzoeker", "rvdk-113"),
            PayloadTypes = { ShelterStay.Descriptor.FullName },
        });
        Assert.Equal(Decision.HolderDecisionRequired, raadAsks.Receipt.Decision);
        Assert.Equal((DataCategory.ConfidentialLocation, ReasonCodes.HardDenial), (Assert.Single(raadAsks.Receipt.Denied).Category, Assert.Single(raadAsks.Receipt.Denied).ReasonCode));
        Assert.Equal([DataCategory.Safety], raadAsks.Receipt.AwaitingHolder);
        Assert.Empty(raadAsks.Records);

        var policeAsks = await police.RequestAsync(vt.Id, new DisclosureRequest
        {
            Subject = Ref(Family(police)[Nora]),
            Purpose = Purpose.AcuteSafety,
            LegalBasis = new LegalBasisRef { Id = "vt-task" },
            Categories = { DataCategory.Safety, DataCategory.ConfidentialLocation },
            Requester = police.Professional("noodhulp", "agent-4410"),
            PayloadTypes = { ShelterStay.Descriptor.FullName },
            BreakGlass = new BreakGlass { Justification = "Leo is on his way to the shelter; officers must protect Nora and the children." },
        });
        Assert.Equal(Shelter, Assert.Single(policeAsks.Records).Payload.Unpack<ShelterStay>().ShelterAddress);
        Assert.True(policeAsks.Receipt.BreakGlass);
        Assert.Contains(policeAsks.Receipt.Obligations, o => o.Kind == ObligationKind.ReviewRequired);
        var notice = Assert.Single(Partner.Payloads<BreakGlassNotice>(await vt.InboxAsync(d => Partner.Payloads<BreakGlassNotice>(d).Any())));
        Assert.Equal(policeAsks.Receipt.DecisionId, notice.DecisionId);
        Assert.Equal("vt-task", notice.LegalBasis.Id);

        // After the story: the court imposes a supervision order, and the measure moves from the Raad to the GI that
        // carries it out. The Raad hands its file over; the GI then tells the social team under its own task.
        var gi = exchange.Partner(DemoPartners.YouthProtection);
        people[gi.Id] = await Task.WhenAll(Bsns.Select(gi.ResolveAsync));
        string[] ChildrenOf(Partner p) => [.. Children.Select(c => Family(p)[c])];
        await gi.RegisterInvolvementAsync(Purpose.ChildProtectionMeasure, "Team Tilburg, jeugdbeschermers", ChildrenOf(gi));
        ChildProtectionMeasure Order(Partner p) => new()
        {
            Children = { ChildrenOf(p).Select(Ref) },
            Kind = MeasureKind.SupervisionOrder,
            Stage = MeasureStage.Imposed,
            Period = new Period { Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), End = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(1)) },
            Court = "Rechtbank Zeeland-West-Brabant",
            CarriedOutBy = gi.Id,
            Grounds = "The children's development is seriously threatened by the conflict between the parents.",
        };
        await new ChildProtectionSignals.ChildProtectionSignalsClient(raad.Channel).PublishMeasureAsync(
            new PublishMeasureRequest { Header = raad.Header("rvdk-113", ChildrenOf(raad), new Source { Kind = SourceKind.CourtDocument }), Measure = Order(raad) },
            cancellationToken: ct);
        var handedOver = Assert.Single(await gi.InboxAsync(d => Partner.Payloads<ChildProtectionMeasure>(d).Any()), d => d.Signal.Payload.Is(ChildProtectionMeasure.Descriptor));
        Assert.Equal(("jw-7-3-11", raad.Id), (handedOver.Receipt.LegalBasis.Id, handedOver.Signal.HolderOrganisationId));
        var measure = handedOver.Signal.Payload.Unpack<ChildProtectionMeasure>();
        Assert.Equal((MeasureStage.Imposed, gi.Id), (measure.Stage, measure.CarriedOutBy));
        Assert.NotEmpty(measure.Grounds);
        Assert.Equal(ChildrenOf(gi).Order(), measure.Children.Select(c => c.Pseudonym).Order());

        await new ChildProtectionSignals.ChildProtectionSignalsClient(gi.Channel).PublishMeasureAsync(
            new PublishMeasureRequest { Header = gi.Header("jb-0007", ChildrenOf(gi), new Source { Kind = SourceKind.CourtDocument }), Measure = Order(gi) },
            cancellationToken: ct);
        var teamMeasure = Assert.Single(
            await team.InboxAsync(d => d.Any(x => x.Signal.HolderOrganisationId == gi.Id && x.Signal.Payload.Is(ChildProtectionMeasure.Descriptor))),
            d => d.Signal.HolderOrganisationId == gi.Id && d.Signal.Payload.Is(ChildProtectionMeasure.Descriptor));
        Assert.Equal("gi-task", teamMeasure.Receipt.LegalBasis.Id);
        Assert.Equal(MeasureKind.SupervisionOrder, teamMeasure.Signal.Payload.Unpack<ChildProtectionMeasure>().Kind);
        // The Raad itself gives the social team no measure: its push to the team is decided and denied.
        var raadToTeam = await EventuallyAsync(async () => (await Ledger(exchange)).FirstOrDefault(e =>
            e is { Kind: EntryKind.Decision, DisclosureKind: DisclosureKind.Push, Purpose: Purpose.RecoveryPlanning }
            && e.HolderOrganisationId == raad.Id && e.Requester.OrganisationId == team.Id));
        Assert.Equal(Decision.Deny, raadToTeam.Decision);

        // Every decision that released or left something to a holder, and every release, names the legal basis that
        // decided, the same in both; a denial names none only where no rule connects the two for the purpose (the
        // Raad's and the GI's measure pushed to each other and to the team).
        var entries = await Ledger(exchange);
        var decisions = entries.Where(e => e.Kind == EntryKind.Decision).ToDictionary(e => e.Sequence);
        Assert.All(entries.Where(e => e.Kind == EntryKind.Release || (e.Kind == EntryKind.Decision && e.Decision != Decision.Deny)), e => Assert.NotEmpty(e.LegalBasisId));
        Assert.All(
            entries.Where(e => e.Kind == EntryKind.Decision && e.LegalBasisId.Length == 0),
            e => Assert.Contains(e.ReasonCode, new[] { ReasonCodes.PurposeNotCovered, ReasonCodes.NoPermittingRule }));
        Assert.All(entries.Where(e => e.Kind == EntryKind.Release), e => Assert.Equal(decisions[e.ConcernsSequence].LegalBasisId, e.LegalBasisId));

        // No log, trace or database file of the exchange holds a BSN.
        await exchange.StopAsync();
        KeepLedgerForReplay(exchange.Manifest.Ledger.Sqlite);
        var contents = exchange.Files().ToDictionary(f => Path.GetRelativePath(exchange.DataDirectory, f), f => Encoding.Latin1.GetString(File.ReadAllBytes(f)));
        Assert.Empty(contents.SelectMany(file => Bsns.Where(bsn => file.Value.Contains(bsn, StringComparison.Ordinal)).Select(bsn => $"{file.Key}: {bsn}")));
        Assert.Empty(contents.SelectMany(file => NineDigits().Matches(file.Value).Where(m => Bsn.IsValid(m.Value)).Select(m => $"{file.Key}: {m.Value}")));
        Assert.Contains(exchange.Files(), f => f.EndsWith(".traces.jsonl", StringComparison.Ordinal));
    }

    private static SubjectRef Ref(string pseudonym) => new() { Pseudonym = pseudonym };

    /// <summary>What another service records on its own schedule (a routed push's decision): looked for until it is there, at most 20 s.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> find)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await find() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "not recorded within 20 s");
            await Task.Delay(200);
        }
    }

    /// <summary>./test.sh replays a changed policy bundle over the story's ledger (exchange policy replay): it names the file to keep.</summary>
    private static void KeepLedgerForReplay(string ledger)
    {
        if (Environment.GetEnvironmentVariable("EXCHANGE_SCENARIO_LEDGER") is not { Length: > 0 } keep)
        {
            return;
        }

        File.Copy(ledger, keep, overwrite: true);
        if (File.Exists(ledger + "-wal"))
        {
            File.Copy(ledger + "-wal", keep + "-wal", overwrite: true);
        }
    }

    private static Task<IReadOnlyList<LedgerEntry>> Ledger(LocalLauncher exchange) =>
        LedgerReader.AllAsync(exchange);

    /// <summary>
    /// Nine digits standing alone, as a BSN would be written: not inside a longer number or word
    /// (hexadecimal trace and signal ids), nor the fraction of a decimal.
    /// </summary>
    [GeneratedRegex(@"(?<![0-9A-Za-z])(?<![0-9]\.)[0-9]{9}(?![0-9A-Za-z])")]
    private static partial Regex NineDigits();
}
