using Exchange.Contracts.Index.V1;
using Exchange.Contracts.V1;
using Exchange.Index.Tests.Support;

namespace Exchange.Index.Tests.Families;

public sealed class FamilyGraphTests : IDisposable
{
    private readonly IndexFixture _index = new();

    public void Dispose() => _index.Dispose();

    [Fact]
    public void People_named_together_in_signals_become_one_family_even_across_signals()
    {
        Record("s1", ["leo", "nora"]);
        Record("s2", ["nora", "kid"]);

        Assert.Equal(new HashSet<string> { "leo", "nora", "kid" }, _index.Families.FamilyOf(["kid"]));
        Assert.Equal(new HashSet<string> { "stranger" }, _index.Families.FamilyOf(["stranger"]));
    }

    [Fact]
    public void The_newest_violence_type_indication_of_the_family_counts()
    {
        Record("s1", ["leo", "nora"], violence: ViolenceType.Situational);
        Record("s2", ["nora", "kid"], violence: ViolenceType.IntimateTerror);

        Assert.Equal(ViolenceType.IntimateTerror, _index.Families.ViolenceTypeOf(["leo"]));
    }

    [Fact]
    public void A_professional_acting_for_one_ex_partner_is_on_the_other_parents_side_for_the_rest_of_the_family()
    {
        Record("incident", ["leo", "nora", "kid"], violence: default, against: ("leo", "nora"));

        Assert.True(_index.Families.IsOtherParentSide("leo", ["nora"]));
        Assert.True(_index.Families.IsOtherParentSide("leo", ["kid"]));
        Assert.False(_index.Families.IsOtherParentSide("leo", ["leo"]));
        Assert.False(_index.Families.IsOtherParentSide("kid", ["nora"]));
        Assert.False(_index.Families.IsOtherParentSide(string.Empty, ["nora"]));
    }

    [Fact]
    public void Who_is_alleged_to_have_used_violence_against_whom_is_known_for_the_whole_family()
    {
        Record("incident", ["leo", "nora", "kid"], against: ("leo", "nora"));
        Record("support", ["kid", "grandma"]);

        var (perpetrators, victims) = _index.Families.RolesIn(_index.Families.FamilyOf(["grandma"]));

        Assert.Equal(["leo"], perpetrators);
        Assert.Equal(["nora"], victims);
    }

    [Fact]
    public void The_current_assessment_of_each_holder_is_its_newest()
    {
        Record("vt-1", ["nora"], holder: "vt-mwb", score: 6);
        Record("vt-2", ["nora"], holder: "vt-mwb", score: 4);
        Record("police-1", ["nora", "leo"], holder: "politie-zwb", score: 8);

        var current = _index.Families.CurrentAssessments(["leo"]);

        Assert.Equal([("politie-zwb", 8u), ("vt-mwb", 4u)], current.Select(a => (a.Holder, a.Score)));
    }

    private void Record(string signal, string[] subjects, ViolenceType violence = default, (string Perpetrator, string Victim)? against = null, string holder = "vt-mwb", uint? score = null)
    {
        var facts = new RecordSignalFactsRequest { SignalId = signal, HolderOrganisationId = holder, ViolenceType = violence, PayloadType = "veiligthuis.v1.SafetyAssessment" };
        facts.Subjects.AddRange(subjects);
        if (against is var (perpetrator, victim))
        {
            facts.AllegedPerpetrators.Add(perpetrator);
            facts.Victims.Add(victim);
        }

        if (score is { } value)
        {
            facts.AssessmentScore = value;
        }

        _index.Families.Record(facts);
    }
}
