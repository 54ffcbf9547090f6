using Exchange.Contracts.Index.V1;
using Exchange.Contracts.V1;
using Exchange.Index.Involvements;
using Exchange.Index.Tests.Support;

namespace Exchange.Index.Tests.Routing;

public sealed class FactsAndRecipientsTests : IDisposable
{
    private readonly IndexFixture _index = new();

    public void Dispose() => _index.Dispose();

    [Fact]
    public async Task The_recipients_of_a_signal_are_the_other_organisations_actively_involved_with_its_people()
    {
        Involve("vt-mwb", Purpose.SafetyAssessment, "nora");
        Involve("swt-tilburg", Purpose.RecoveryPlanning, "kid");
        Involve("politie-zwb", Purpose.AcuteSafety, "nora");
        Involve("rvdk-zuidwest", Purpose.ChildProtectionInvestigation, "someone-else");

        var request = new FindRecipientsRequest { HolderOrganisationId = "politie-zwb", Subjects = { "nora", "kid", "leo" } };
        var recipients = (await _index.Routing.FindRecipients(request, new CallFrom("politie-zwb"))).Recipients;

        Assert.Equal(["swt-tilburg", "vt-mwb"], recipients.Select(r => r.OrganisationId).Order());
        var team = recipients.Single(r => r.OrganisationId == "swt-tilburg");
        Assert.Equal(Purpose.RecoveryPlanning, team.Purpose);
        Assert.Equal(["kid"], team.Subjects);
        Assert.Equal("http://swt.test/", team.NodeAddress);
    }

    [Fact]
    public async Task The_facts_say_whether_the_recipient_is_involved_or_only_in_the_case_conference()
    {
        Involve("swt-tilburg", Purpose.CaseConference, "nora");

        var facts = await _index.Routing.GetFacts(new GetFactsRequest { RecipientOrganisationId = "swt-tilburg", Subjects = { "nora" } }, new CallFrom("policy"));

        Assert.Equal(Domain.SocialTeam, facts.RecipientDomain);
        Assert.False(facts.RecipientInvolved);
        Assert.True(facts.RecipientInCaseConference);
    }

    [Fact]
    public async Task The_facts_carry_the_familys_violence_type_and_the_other_parents_side()
    {
        var incident = new RecordSignalFactsRequest { SignalId = "incident", HolderOrganisationId = "politie-zwb", Subjects = { "leo", "nora" }, AllegedPerpetrators = { "leo" }, Victims = { "nora" } };
        await _index.Routing.RecordSignalFacts(incident, new CallFrom("politie-zwb"));
        await _index.Routing.RecordSignalFacts(new RecordSignalFactsRequest { SignalId = "assessment", HolderOrganisationId = "vt-mwb", Subjects = { "nora" }, ViolenceType = ViolenceType.IntimateTerror }, new CallFrom("vt-mwb"));

        var facts = await _index.Routing.GetFacts(new GetFactsRequest { RecipientOrganisationId = "swt-tilburg", Subjects = { "nora" }, ActingFor = "leo" }, new CallFrom("policy"));

        Assert.Equal(ViolenceType.IntimateTerror, facts.ViolenceType);
        Assert.True(facts.ActingForOtherParent);
        Assert.False(facts.RecipientInvolved);
    }

    [Fact]
    public async Task The_facts_say_whether_the_recipients_involvements_in_the_family_are_with_the_alleged_perpetrator_or_the_victim()
    {
        var incident = new RecordSignalFactsRequest { SignalId = "incident", HolderOrganisationId = "politie-zwb", Subjects = { "leo", "nora", "kid" }, AllegedPerpetrators = { "leo" }, Victims = { "nora" } };
        await _index.Routing.RecordSignalFacts(incident, new CallFrom("politie-zwb"));
        Involve("swt-tilburg", Purpose.RecoveryPlanning, "leo", "kid");
        Involve("vt-mwb", Purpose.SafetyAssessment, "leo", "nora", "kid");

        var leosSide = await _index.Routing.GetFacts(new GetFactsRequest { RecipientOrganisationId = "swt-tilburg", Subjects = { "nora" } }, new CallFrom("policy"));
        var both = await _index.Routing.GetFacts(new GetFactsRequest { RecipientOrganisationId = "vt-mwb", Subjects = { "nora" } }, new CallFrom("policy"));

        Assert.True(leosSide.RecipientInvolvedWithAllegedPerpetrator);
        Assert.False(leosSide.RecipientInvolvedWithVictim);
        Assert.False(leosSide.RecipientInvolved);
        Assert.False(leosSide.ActingForOtherParent);
        Assert.True(both.RecipientInvolvedWithAllegedPerpetrator);
        Assert.True(both.RecipientInvolvedWithVictim);
        Assert.True(both.RecipientInvolved);
    }

    private void Involve(string organisation, Purpose purpose, params string[] subjects) =>
        _index.Involvements.Add(new InvolvementRecord(Guid.NewGuid().ToString(), organisation, purpose, new ContactPoint { Team = "t" }, _index.Time.GetUtcNow().AddDays(-1), null, null, subjects));
}
