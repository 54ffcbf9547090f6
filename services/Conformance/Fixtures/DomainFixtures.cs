using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Conformance.Fixtures;

/// <summary>
/// The test records the kit publishes at a node of one domain, and the request another organisation makes for them:
/// a record with fields of several categories (so that redaction has something to remove), and a record holding a
/// confidential location (which the hard denial keeps from everyone but the police acting for acute safety).
/// </summary>
public interface IConformanceFixture
{
    Domain Domain { get; }

    /// <summary>The domain of the organisation that asks; its rules release part of <see cref="Record"/> to it.</summary>
    Domain RequesterDomain { get; }

    Purpose Purpose { get; }

    /// <summary>What the requester asks for: released and withheld categories both.</summary>
    IReadOnlyList<DataCategory> Asked { get; }

    /// <summary>The full name of the payload type <see cref="Record"/> makes.</summary>
    string RecordType { get; }

    IMessage Record(string subject, Timestamp now);

    IMessage ConfidentialRecord(string subject, Timestamp now);
}

public static class DomainFixtures
{
    private static readonly IConformanceFixture[] All = [new VeiligThuisFixture()];

    /// <summary>The fixture for a domain, or null: the data checks are then skipped (and the run does not pass).</summary>
    public static IConformanceFixture? For(Domain domain) => All.FirstOrDefault(f => f.Domain == domain);
}

/// <summary>
/// Veilig Thuis: a safety assessment, asked for by the social team supporting the family for its problem analysis.
/// The score, violence type and factors may go to it; the interview notes and what the children said may not
/// (SCENARIO step 5). A shelter stay is the confidential record.
/// </summary>
public sealed class VeiligThuisFixture : IConformanceFixture
{
    public Domain Domain => Domain.VeiligThuis;

    public Domain RequesterDomain => Domain.SocialTeam;

    public Purpose Purpose => Purpose.ProblemAnalysis;

    public IReadOnlyList<DataCategory> Asked { get; } = [DataCategory.Safety, DataCategory.Strengths, DataCategory.Incident, DataCategory.ChildVoice];

    public string RecordType => SafetyAssessment.Descriptor.FullName;

    public IMessage Record(string subject, Timestamp now) => new SafetyAssessment
    {
        Score = 4,
        ViolenceType = ViolenceType.IntimateTerror,
        RiskFactors = { "synthetic risk factor" },
        ProtectiveFactors = { "synthetic protective factor" },
        InterviewNotes = "synthetic interview notes of the conformance kit",
        ChildStatements = { new ChildStatement { Child = new SubjectRef { Pseudonym = subject }, Statement = "synthetic statement" } },
        AssessedAt = now,
        SafetyPlan = "synthetic safety plan",
    };

    public IMessage ConfidentialRecord(string subject, Timestamp now) => new ShelterStay
    {
        Residents = { new SubjectRef { Pseudonym = subject } },
        ShelterAddress = "synthetic shelter address of the conformance kit",
        Period = new Period { Start = now },
        InShelter = true,
    };
}
