using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.Disclosure.Redaction;

namespace Exchange.Disclosure.Tests.Redaction;

public sealed class SubjectReferencesTests
{
    [Fact]
    public void Every_subject_reference_at_any_depth_is_found()
    {
        var assessment = new SafetyAssessment
        {
            ChildStatements =
            {
                new ChildStatement { Child = new SubjectRef { Pseudonym = "kid1" } },
                new ChildStatement { Child = new SubjectRef { Pseudonym = "kid2" } },
            },
        };

        Assert.Equal(new HashSet<string> { "kid1", "kid2" }, SubjectReferences.Collect(assessment));
    }

    [Fact]
    public void Rewriting_translates_every_reference_in_place()
    {
        var incident = new DomesticViolenceIncident
        {
            Suspect = new SubjectRef { Pseudonym = "leo" },
            Victims = { new SubjectRef { Pseudonym = "nora" } },
        };

        SubjectReferences.Rewrite(incident, p => p.ToUpperInvariant());

        Assert.Equal("LEO", incident.Suspect.Pseudonym);
        Assert.Equal("NORA", incident.Victims[0].Pseudonym);
    }
}
