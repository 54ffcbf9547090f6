using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.System.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using VtAssessment = Exchange.Contracts.VeiligThuis.V1.SafetyAssessment;
using VtPublishAssessment = Exchange.Contracts.VeiligThuis.V1.PublishSafetyAssessmentRequest;

namespace Exchange.System.Tests.Assessments;

/// <summary>
/// Their pictures of the same family collide: the exchange lists every domain's safety assessment side
/// by side for whoever may see them, and tells the organisations entitled to both when two differ by
/// three points or more.
/// </summary>
public sealed class SafetyAssessmentsSideBySideTests : IAsyncLifetime
{
    private const string Nora = "123456782";
    private const string Leo = "111222333";
    private ExchangeCluster _cluster = null!;
    private Partner _police = null!;
    private Partner _vt = null!;
    private Partner _raad = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await ExchangeCluster.StartAsync();
        _police = new Partner(DemoPartners.Police, _cluster.Channel(DemoPartners.Police));
        _vt = new Partner(DemoPartners.VeiligThuis, _cluster.Channel(DemoPartners.VeiligThuis));
        _raad = new Partner(DemoPartners.ChildProtection, _cluster.Channel(DemoPartners.ChildProtection));

        await _raad.RegisterInvolvementAsync(Purpose.ChildProtectionInvestigation, "Locatie Tilburg", await _raad.ResolveAsync(Nora), await _raad.ResolveAsync(Leo));
        await _vt.RegisterInvolvementAsync(Purpose.SafetyAssessment, "Team Onderzoek", await _vt.ResolveAsync(Nora), await _vt.ResolveAsync(Leo));

        var vtNora = await _vt.ResolveAsync(Nora);
        await new VeiligThuisSignals.VeiligThuisSignalsClient(_vt.Channel).PublishSafetyAssessmentAsync(new VtPublishAssessment
        {
            Header = _vt.Header("vt-onderzoeker-7", [vtNora, await _vt.ResolveAsync(Leo)], new Source { Kind = SourceKind.Interview, Description = "separate interviews" }),
            Assessment = new VtAssessment { Score = 3, ViolenceType = ViolenceType.IntimateTerror, AssessedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
        }, cancellationToken: TestContext.Current.CancellationToken);
        await new PoliceSignals.PoliceSignalsClient(_police.Channel).PublishRiskAssessmentAsync(new PublishRiskAssessmentRequest
        {
            Header = _police.Header("agent-2231", [await _police.ResolveAsync(Nora), await _police.ResolveAsync(Leo)], new Source { Kind = SourceKind.SafetyInstrument, Description = "risk screening after the call-out" }),
            Assessment = new RiskAssessment { Score = 7, AssessedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
        }, cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_organisation_entitled_to_safety_data_sees_every_domains_assessment_with_its_sources_and_date_once_each_holder_may_release_it()
    {
        var notices = await _raad.InboxAsync(d => Partner.Payloads<DivergentAssessments>(d).Any());
        var client = new Exchange.Contracts.V1.Assessments.AssessmentsClient(_raad.Channel);

        var view = await client.ListSafetyAssessmentsAsync(new ListSafetyAssessmentsRequest
        {
            Subject = new SubjectRef { Pseudonym = await _raad.ResolveAsync(Nora) },
            Purpose = Purpose.ChildProtectionInvestigation,
            Requester = _raad.Professional("raadsonderzoeker", "rvdk-113"),
        }, cancellationToken: TestContext.Current.CancellationToken);

        // The police give the Raad theirs under the Besluit politiegegevens; Veilig Thuis's professional weighs the
        // Raad's request (BW 1:240), so its part is not in the view but waits in Veilig Thuis's inbox.
        var police = Assert.Single(view.Assessments);
        Assert.Equal(DemoPartners.Police, police.HolderOrganisationId);
        Assert.Equal(7u, police.Score);
        Assert.NotEmpty(police.DecisionId);
        var waiting = Assert.Single(Partner.Payloads<HolderDecisionRequested>(await _vt.InboxAsync(d => Partner.Payloads<HolderDecisionRequested>(d).Any())));
        Assert.Equal(DemoPartners.ChildProtection, waiting.Requester.OrganisationId);

        await new HolderDecisions.HolderDecisionsClient(_vt.Channel).ApproveAsync(new ApproveRequest
        {
            HolderDecisionId = waiting.HolderDecisionId,
            Professional = _vt.Professional("vt-onderzoeker", "vt-onderzoeker-7"),
            Reason = "The Raad investigates the children's safety; our assessment is part of it.",
        }, cancellationToken: TestContext.Current.CancellationToken);
        var approved = (await _raad.InboxAsync(d => Partner.Payloads<HolderDecisionOutcome>(d).Any())).Where(d => d.Receipt.HolderDecisionId == waiting.HolderDecisionId);
        var vt = Assert.Single(Partner.Payloads<VtAssessment>(approved));
        Assert.Equal(3u, vt.Score);
        Assert.Equal(ViolenceType.IntimateTerror, vt.ViolenceType);
        Assert.NotNull(vt.AssessedAt);

        var notice = Assert.Single(Partner.Payloads<DivergentAssessments>(notices));
        Assert.Equal([3u, 7u], notice.Assessments.Select(a => a.Score).Order());
    }

    [Fact]
    public async Task Each_holders_part_of_the_view_is_its_own_decision_in_the_ledger()
    {
        var view = await new Exchange.Contracts.V1.Assessments.AssessmentsClient(_raad.Channel).ListSafetyAssessmentsAsync(new ListSafetyAssessmentsRequest
        {
            Subject = new SubjectRef { Pseudonym = await _raad.ResolveAsync(Nora) },
            Purpose = Purpose.ChildProtectionInvestigation,
            Requester = _raad.Professional("raadsonderzoeker", "rvdk-113"),
        }, cancellationToken: TestContext.Current.CancellationToken);

        var ledger = await LedgerReader.AllAsync(_cluster);
        foreach (var assessment in view.Assessments)
        {
            var entry = Assert.Single(ledger, e => e.Kind == Exchange.Contracts.Ledger.V1.EntryKind.Decision && e.DecisionId == assessment.DecisionId);
            Assert.Equal(assessment.HolderOrganisationId, entry.HolderOrganisationId);
            Assert.Equal(DemoPartners.ChildProtection, entry.Requester.OrganisationId);
            Assert.Equal(DisclosureKind.Pull, entry.DisclosureKind);
        }
    }
}
