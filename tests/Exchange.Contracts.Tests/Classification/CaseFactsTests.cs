using Exchange.Contracts.Classification;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using ChildProtectionAssessment = Exchange.Contracts.ChildProtection.V1.SafetyAssessment;
using SocialTeamAssessment = Exchange.Contracts.SocialTeam.V1.SafetyAssessment;
using VeiligThuisAssessment = Exchange.Contracts.VeiligThuis.V1.SafetyAssessment;

namespace Exchange.Contracts.Tests.Classification;

public sealed class CaseFactsTests
{
    [Fact]
    public void An_incident_names_who_is_alleged_to_have_used_violence_and_against_whom()
    {
        var reading = CaseFacts.Read(new DomesticViolenceIncident
        {
            Suspect = new SubjectRef { Pseudonym = "leo" },
            Victims = { new SubjectRef { Pseudonym = "nora" } },
            ChildrenPresent = { new SubjectRef { Pseudonym = "kid" } },
        });

        Assert.Equal(["leo"], reading.AllegedPerpetrators);
        Assert.Equal(["nora"], reading.Victims);
        Assert.False(reading.IsSafetyAssessment);
    }

    [Fact]
    public void A_restraining_order_names_the_person_it_is_against_as_the_alleged_perpetrator()
    {
        var reading = CaseFacts.Read(new RestrainingOrder { RestrainedPerson = new SubjectRef { Pseudonym = "leo" }, ProtectedPersons = { new SubjectRef { Pseudonym = "kid" } } });

        Assert.Equal(["leo"], reading.AllegedPerpetrators);
        Assert.Empty(reading.Victims);
    }

    [Fact]
    public void A_veilig_thuis_assessment_gives_its_score_date_and_violence_type()
    {
        var at = Timestamp.FromDateTimeOffset(DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        var reading = CaseFacts.Read(new VeiligThuisAssessment { Score = 4, ViolenceType = ViolenceType.IntimateTerror, AssessedAt = at });

        Assert.True(reading.IsSafetyAssessment);
        Assert.Equal(4u, reading.Score);
        Assert.Equal(at, reading.AssessedAt);
        Assert.Equal(ViolenceType.IntimateTerror, reading.ViolenceType);
    }

    [Fact]
    public void Every_domains_safety_assessment_is_recognised_from_its_contract_and_an_unscored_one_has_no_score()
    {
        Assert.True(CaseFacts.IsSafetyAssessment(RiskAssessment.Descriptor));
        Assert.True(CaseFacts.IsSafetyAssessment(ChildProtectionAssessment.Descriptor));
        Assert.True(CaseFacts.IsSafetyAssessment(SocialTeamAssessment.Descriptor));
        Assert.False(CaseFacts.IsSafetyAssessment(DomesticViolenceIncident.Descriptor));

        var unscored = CaseFacts.Read(new SocialTeamAssessment());
        Assert.True(unscored.IsSafetyAssessment);
        Assert.Null(unscored.Score);
        Assert.Equal(ViolenceType.Unspecified, unscored.ViolenceType);
    }
}
