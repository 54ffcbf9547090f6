using Exchange.Contracts.Index.V1;
using Exchange.Contracts.V1;
using Exchange.Index.Involvements;
using Exchange.Index.Tests.Support;

namespace Exchange.Index.Tests.Assessments;

public sealed class DivergenceWatchTests : IDisposable
{
    private readonly IndexFixture _index = new();

    public void Dispose() => _index.Dispose();

    [Fact]
    public async Task Assessments_three_points_apart_are_told_to_every_organisation_entitled_to_both()
    {
        Involve("swt-tilburg", _index.Person("123456782"));
        await Assess("vt-1", "vt-mwb", 4);
        Assert.Empty(_index.Delivery.Calls);

        await Assess("police-1", "politie-zwb", 7);

        var told = _index.Delivery.Calls.Select(c => c.RecipientOrganisationId).Order().ToList();
        Assert.Equal(["politie-zwb", "swt-tilburg", "vt-mwb"], told);
        var notice = _index.Delivery.Calls.First(c => c.RecipientOrganisationId == "swt-tilburg").Signal.Payload.Unpack<DivergentAssessments>();
        Assert.Equal([4u, 7u], notice.Assessments.Select(a => a.Score).Order());
        Assert.Equal(_index.At("swt-tilburg", "123456782"), Assert.Single(notice.Subjects).Pseudonym);
    }

    [Fact]
    public async Task Assessments_less_than_three_points_apart_are_not_divergent()
    {
        await Assess("vt-1", "vt-mwb", 4);
        await Assess("police-1", "politie-zwb", 6);

        Assert.Empty(_index.Delivery.Calls);
    }

    [Fact]
    public async Task An_organisation_not_entitled_to_see_both_assessments_is_not_told()
    {
        Involve("swt-tilburg", _index.Person("123456782"));
        _index.Authority.Rule = d => d.Recipient.OrganisationId == "swt-tilburg" && d.HolderOrganisationId == "politie-zwb" ? Decision.Deny : Decision.Permit;
        await Assess("vt-1", "vt-mwb", 4);

        await Assess("police-1", "politie-zwb", 8);

        Assert.DoesNotContain(_index.Delivery.Calls, c => c.RecipientOrganisationId == "swt-tilburg");
        Assert.Contains(_index.Delivery.Calls, c => c.RecipientOrganisationId == "vt-mwb");
    }

    [Fact]
    public async Task The_same_divergence_reported_twice_is_delivered_under_the_same_keys()
    {
        await Assess("vt-1", "vt-mwb", 2);
        await Assess("police-1", "politie-zwb", 9);
        var first = _index.Delivery.Calls.Select(c => c.DeliveryKey).ToList();

        await Assess("police-1", "politie-zwb", 9);

        Assert.Equal(first, _index.Delivery.Calls.Skip(first.Count).Select(c => c.DeliveryKey));
    }

    private Task Assess(string signal, string holder, uint score)
    {
        var facts = new RecordSignalFactsRequest { SignalId = signal, HolderOrganisationId = holder, Subjects = { _index.Person("123456782") }, AssessmentScore = score, PayloadType = "veiligthuis.v1.SafetyAssessment" };
        return _index.Routing.RecordSignalFacts(facts, new CallFrom(holder));
    }

    private void Involve(string organisation, string subject) =>
        _index.Involvements.Add(new InvolvementRecord(Guid.NewGuid().ToString(), organisation, Purpose.RecoveryPlanning, new ContactPoint { Team = "t" }, _index.Time.GetUtcNow().AddDays(-1), null, null, [subject]));
}
