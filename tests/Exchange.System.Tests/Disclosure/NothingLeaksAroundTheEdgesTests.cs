using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.System.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using VtAssessment = Exchange.Contracts.VeiligThuis.V1.SafetyAssessment;
using VtPublishAssessment = Exchange.Contracts.VeiligThuis.V1.PublishSafetyAssessmentRequest;

namespace Exchange.System.Tests.Disclosure;

/// <summary>
/// What must not leave around the edges of a disclosure, through the gateway with real TLS and tokens: nothing of
/// a family with intimate terror towards the other parent's side, whether or not its professional declares whom
/// it acts for; no confidential location in any inbox; and no type name, time or source of a record whose own
/// category was not released. Each test has a family of its own.
/// </summary>
public sealed class NothingLeaksAroundTheEdgesTests : IAsyncLifetime
{
    private ExchangeCluster _cluster = null!;
    private Partner _police = null!;
    private Partner _vt = null!;
    private Partner _team = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await ExchangeCluster.StartAsync();
        _police = new Partner(DemoPartners.Police, _cluster.Channel(DemoPartners.Police));
        _vt = new Partner(DemoPartners.VeiligThuis, _cluster.Channel(DemoPartners.VeiligThuis));
        _team = new Partner(DemoPartners.SocialTeam, _cluster.Channel(DemoPartners.SocialTeam));
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task With_intimate_terror_an_organisation_involved_only_with_the_alleged_perpetrator_gets_nothing_without_declaring_whom_it_acts_for()
    {
        var ct = TestContext.Current.CancellationToken;
        var (leo, nora, kid) = ("225555554", "326666655", "427777756");
        await _vt.RegisterInvolvementAsync(Purpose.SafetyAssessment, "Team Onderzoek", await _vt.ResolveAsync(leo), await _vt.ResolveAsync(nora), await _vt.ResolveAsync(kid));
        // The team supports Leo and his contact with the child: its side of the family is Leo's.
        await _team.RegisterInvolvementAsync(Purpose.RecoveryPlanning, "Wijkteam Zuid", await _team.ResolveAsync(leo), await _team.ResolveAsync(kid));

        var incident = await new PoliceSignals.PoliceSignalsClient(_police.Channel).PublishIncidentAsync(new PublishIncidentRequest
        {
            Header = _police.Header("agent-2231", [await _police.ResolveAsync(leo), await _police.ResolveAsync(nora), await _police.ResolveAsync(kid)], new Source { Kind = SourceKind.PoliceReport }),
            Incident = new DomesticViolenceIncident
            {
                Suspect = Ref(await _police.ResolveAsync(leo)),
                Victims = { Ref(await _police.ResolveAsync(nora)) },
                ChildrenPresent = { Ref(await _police.ResolveAsync(kid)) },
                Forms = { ViolenceForm.Threat },
                Narrative = "Leo threatened Nora.",
            },
        }, cancellationToken: ct);
        await DecidedAsync(e => e.SignalId == incident.Result.SignalId);

        var assessment = await new VeiligThuisSignals.VeiligThuisSignalsClient(_vt.Channel).PublishSafetyAssessmentAsync(new VtPublishAssessment
        {
            Header = _vt.Header("vt-onderzoeker-7", [await _vt.ResolveAsync(leo), await _vt.ResolveAsync(nora), await _vt.ResolveAsync(kid)], new Source { Kind = SourceKind.Interview }),
            Assessment = new VtAssessment
            {
                Score = 3,
                ViolenceType = ViolenceType.IntimateTerror,
                SafetyPlan = "Nora and the child stay with her sister; Leo keeps away.",
                AssessedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            },
        }, cancellationToken: ct);

        // The push of the assessment to the team is decided, denied and recorded; nothing reaches its inbox.
        var push = await DecidedAsync(e => e.SignalId == assessment.Result.SignalId && e.Requester.OrganisationId == DemoPartners.SocialTeam);
        Assert.Equal(Decision.Deny, push.Decision);
        Assert.Equal("INTIMATE_TERROR_OTHER_PARENT", push.ReasonCode);
        Assert.True(push.Facts.RecipientInvolvedWithAllegedPerpetrator);
        Assert.False(push.Facts.RecipientInvolvedWithVictim);
        Assert.False(push.Facts.ActingForOtherParent);

        // Asking for it does not get it either, declared acting for the child or not; and the answer does not say why.
        foreach (var actingFor in new string?[] { null, await _team.ResolveAsync(kid) })
        {
            var request = new DisclosureRequest
            {
                Subject = Ref(await _team.ResolveAsync(kid)),
                Purpose = Purpose.RecoveryPlanning,
                Categories = { DataCategory.Safety, DataCategory.Strengths },
                Requester = _team.Professional("sociaal werker", "sw-0077"),
                ActingFor = actingFor is null ? null : Ref(actingFor),
            };
            var denied = await Assert.ThrowsAsync<RpcException>(() => _team.RequestAsync(DemoPartners.VeiligThuis, request));

            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
            var receipt = Assert.IsType<DisclosureReceipt>(denied.GetRpcStatus()!.GetDetail<DisclosureReceipt>());
            Assert.All(receipt.Denied, d => Assert.Equal("NOT_RELEASED_IN_THIS_CASE", d.ReasonCode));
            var status = denied.GetRpcStatus()!.ToByteArray();
            Assert.False(Contains(status, "INTIMATE"), "the answer names the violence type");
            Assert.False(Contains(status, "Nora and the child"), "the answer holds the safety plan");
        }

        // Nothing of the assessment was released to the team: no release entry, so nothing left for its inbox.
        Assert.DoesNotContain(await LedgerReader.AllAsync(_cluster), e => e.Kind == EntryKind.Release && e.DecisionId == push.DecisionId);
    }

    [Fact]
    public async Task A_shelter_address_reaches_no_inbox_not_even_a_police_involvement_for_acute_safety_and_goes_only_to_an_officer_who_asks()
    {
        var ct = TestContext.Current.CancellationToken;
        var nora = "528888857";
        const string Shelter = "Blijf Groep, Geheime Laan 9, Breda";
        await _police.RegisterInvolvementAsync(Purpose.AcuteSafety, "Basisteam Breda", await _police.ResolveAsync(nora));
        await _team.RegisterInvolvementAsync(Purpose.RecoveryPlanning, "Wijkteam Breda", await _team.ResolveAsync(nora));

        var stay = await new VeiligThuisSignals.VeiligThuisSignalsClient(_vt.Channel).PublishShelterStayAsync(new PublishShelterStayRequest
        {
            Header = _vt.Header("vt-onderzoeker-7", [await _vt.ResolveAsync(nora)], new Source { Kind = SourceKind.ProfessionalReport }),
            Stay = new ShelterStay
            {
                Residents = { Ref(await _vt.ResolveAsync(nora)) },
                ShelterAddress = Shelter,
                Period = new Period { Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                InShelter = true,
            },
        }, cancellationToken: ct);

        foreach (var recipient in new[] { _police, _team })
        {
            var inbox = await recipient.InboxAsync(d => Partner.Payloads<ShelterStay>(d).Any());
            var delivered = Assert.Single(Partner.Payloads<ShelterStay>(inbox));
            Assert.True(delivered.InShelter);
            Assert.All(inbox, d => Assert.False(Contains(d.ToByteArray(), "Geheime Laan"), $"{recipient.Id}'s inbox holds the shelter address"));
        }

        var toPolice = await DecidedAsync(e => e.SignalId == stay.Result.SignalId && e.Requester.OrganisationId == DemoPartners.Police);
        Assert.Equal(DataCategory.ConfidentialLocation, Assert.Single(toPolice.Denied).Category);

        var asked = await _police.RequestAsync(DemoPartners.VeiligThuis, new DisclosureRequest
        {
            Subject = Ref(await _police.ResolveAsync(nora)),
            Purpose = Purpose.AcuteSafety,
            Categories = { DataCategory.Safety, DataCategory.ConfidentialLocation },
            Requester = _police.Professional("noodhulp", "agent-4410"),
            PayloadTypes = { ShelterStay.Descriptor.FullName },
        });
        Assert.Equal(Shelter, Assert.Single(asked.Records).Payload.Unpack<ShelterStay>().ShelterAddress);
        var pull = Assert.Single(await LedgerReader.AllAsync(_cluster), e => e.Kind == EntryKind.Decision && e.DecisionId == asked.Receipt.DecisionId);
        Assert.Equal("agent-4410", pull.Requester.ProfessionalId);
    }

    [Fact]
    public async Task A_record_whose_own_category_is_not_released_does_not_appear_not_even_its_type_name_time_or_source()
    {
        var ct = TestContext.Current.CancellationToken;
        var (leo, nora) = ("629999958", "622222181");
        var occurred = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3));
        var header = _police.Header("agent-2231", [await _police.ResolveAsync(leo), await _police.ResolveAsync(nora)], new Source { Kind = SourceKind.PoliceReport, Description = "proces-verbaal PL2000-77" });
        header.OccurredAt = occurred;
        await new PoliceSignals.PoliceSignalsClient(_police.Channel).PublishIncidentAsync(new PublishIncidentRequest
        {
            Header = header,
            Incident = new DomesticViolenceIncident
            {
                Suspect = Ref(await _police.ResolveAsync(leo)),
                Victims = { Ref(await _police.ResolveAsync(nora)) },
                Forms = { ViolenceForm.Psychological },
                Narrative = "Shouting heard by neighbours.",
                Address = "Kerkstraat 4, Breda",
            },
        }, cancellationToken: ct);

        var contactOnly = await _vt.RequestAsync(DemoPartners.Police, Ask(await _vt.ResolveAsync(nora), DataCategory.Contact));
        var withIncident = await _vt.RequestAsync(DemoPartners.Police, Ask(await _vt.ResolveAsync(nora), DataCategory.Contact, DataCategory.Incident));
        var withCriminal = await _vt.RequestAsync(DemoPartners.Police, Ask(await _vt.ResolveAsync(nora), DataCategory.Incident, DataCategory.Criminal));

        Assert.Equal(Decision.Permit, contactOnly.Receipt.Decision);
        Assert.Empty(contactOnly.Records);
        var bytes = contactOnly.ToByteArray();
        Assert.False(Contains(bytes, "DomesticViolenceIncident"), "the response names the record's type");
        Assert.False(Contains(bytes, "proces-verbaal"), "the response names the police report");
        Assert.False(Contains(bytes, "Kerkstraat"), "the response holds the address of the incident");
        Assert.False(Contains(bytes, occurred.ToByteArray()), "the response holds the time of the incident");

        // Released, the record appears with its type and time; its police report only with the criminal-law data.
        Assert.True(Contains(withIncident.ToByteArray(), "DomesticViolenceIncident"));
        Assert.Equal(occurred, Assert.Single(withIncident.Records).OccurredAt);
        Assert.False(Contains(withIncident.ToByteArray(), "proces-verbaal"), "the police report is named without criminal-law data released");
        Assert.Equal("proces-verbaal PL2000-77", Assert.Single(Assert.Single(withCriminal.Records).Provenance.Sources).Description);
    }

    private DisclosureRequest Ask(string subject, params DataCategory[] categories) => new()
    {
        Subject = Ref(subject),
        Purpose = Purpose.SafetyAssessment,
        Categories = { categories },
        Requester = _vt.Professional("vt-onderzoeker", "vt-onderzoeker-7"),
    };

    /// <summary>The DECISION entry the predicate names, once the exchange has written it (routing runs in the background).</summary>
    private async Task<LedgerEntry> DecidedAsync(Func<LedgerEntry, bool> which)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = (await LedgerReader.AllAsync(_cluster)).FirstOrDefault(e => e.Kind == EntryKind.Decision && which(e));
            if (found is not null || DateTime.UtcNow > deadline)
            {
                return found ?? throw new TimeoutException("the decision was not recorded within 30 seconds");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static SubjectRef Ref(string pseudonym) => new() { Pseudonym = pseudonym };

    private static bool Contains(byte[] haystack, string text) => Contains(haystack, global::System.Text.Encoding.UTF8.GetBytes(text));

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
