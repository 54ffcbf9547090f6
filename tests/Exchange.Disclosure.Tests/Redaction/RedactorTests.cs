using Exchange.Contracts.Classification;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.Disclosure.Redaction;

namespace Exchange.Disclosure.Tests.Redaction;

public sealed class RedactorTests
{
    private static DomesticViolenceIncident Incident() => new()
    {
        Suspect = new SubjectRef { Pseudonym = "leo" },
        Victims = { new SubjectRef { Pseudonym = "nora" } },
        ChildrenPresent = { new SubjectRef { Pseudonym = "kid" } },
        Forms = { ViolenceForm.Physical },
        Narrative = "pushed against the wall",
        Injuries = "bruised arm",
        ArrestMade = true,
        Offence = "art. 300 Sr",
        Address = "Dorpsstraat 1",
    };

    [Fact]
    public void Only_fields_of_released_categories_remain()
    {
        var redacted = (DomesticViolenceIncident)Redactor.Redact(Incident(), CategorySet.Of([DataCategory.Incident]));

        Assert.Equal("pushed against the wall", redacted.Narrative);
        Assert.Single(redacted.Victims);
        Assert.Null(redacted.Suspect);
        Assert.Empty(redacted.Injuries);
        Assert.False(redacted.ArrestMade);
        Assert.Empty(redacted.Offence);
        Assert.Empty(redacted.Address);
    }

    [Fact]
    public void Redaction_leaves_the_original_untouched()
    {
        var incident = Incident();

        Redactor.Redact(incident, CategorySet.Empty);

        Assert.Equal(Incident(), incident);
    }

    [Fact]
    public void Releasing_nothing_leaves_an_empty_message() =>
        Assert.True(Redactor.IsEmpty(Redactor.Redact(Incident(), CategorySet.Empty)));

    [Fact]
    public void Nested_payload_messages_are_redacted_field_by_field()
    {
        var assessment = new SafetyAssessment
        {
            Score = 4,
            ViolenceType = ViolenceType.IntimateTerror,
            InterviewNotes = "separate interviews",
            ChildStatements = { new ChildStatement { Child = new SubjectRef { Pseudonym = "kid" }, Statement = "daddy shouts" } },
        };

        var safetyOnly = (SafetyAssessment)Redactor.Redact(assessment, CategorySet.Of([DataCategory.Safety]));
        var whole = (SafetyAssessment)Redactor.Redact(assessment, CategorySet.Of([DataCategory.Safety, DataCategory.Incident, DataCategory.ChildVoice]));

        Assert.Equal(4u, safetyOnly.Score);
        Assert.Equal(ViolenceType.IntimateTerror, safetyOnly.ViolenceType);
        Assert.Empty(safetyOnly.InterviewNotes);
        Assert.Empty(safetyOnly.ChildStatements);
        Assert.Equal(assessment, whole);
    }

    [Fact]
    public void A_score_of_zero_is_released_as_a_score_not_lost_as_a_default()
    {
        var assessment = new SafetyAssessment { Score = 0, ViolenceType = ViolenceType.Situational };

        var redacted = (SafetyAssessment)Redactor.Redact(assessment, CategorySet.Of([DataCategory.Safety]));

        Assert.True(redacted.HasScore);
        Assert.Equal(0u, redacted.Score);
    }

    [Fact]
    public void The_categories_present_are_those_of_fields_with_a_value()
    {
        var order = new RestrainingOrder { Kind = RestrainingOrderKind.HouseBan, Grounds = "incident of 3 March" };

        var present = Redactor.PresentCategories(order);

        Assert.Equal([DataCategory.Incident, DataCategory.Measure], present.Order());
    }
}
