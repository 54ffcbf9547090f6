using Exchange.Contracts.Police.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ChildProtectionAssessment = Exchange.Contracts.ChildProtection.V1.SafetyAssessment;
using SocialTeamAssessment = Exchange.Contracts.SocialTeam.V1.SafetyAssessment;
using VeiligThuisAssessment = Exchange.Contracts.VeiligThuis.V1.SafetyAssessment;

namespace Exchange.Node.Assessments;

/// <summary>What every domain's safety assessment says in common: a 0-10 score, when, and (Veilig Thuis) the violence type.</summary>
public sealed record AssessmentReading(uint? Score, Timestamp? AssessedAt, ViolenceType ViolenceType);

/// <summary>The one place that knows which payloads are safety assessments and how to read them.</summary>
public static class SafetyAssessments
{
    /// <summary>The reading of a payload, or null when it is not a safety assessment.</summary>
    public static AssessmentReading? Read(IMessage? payload) => payload switch
    {
        VeiligThuisAssessment a => new(a.HasScore ? a.Score : null, a.AssessedAt, a.ViolenceType),
        RiskAssessment a => new(a.HasScore ? a.Score : null, a.AssessedAt, ViolenceType.Unspecified),
        ChildProtectionAssessment a => new(a.HasScore ? a.Score : null, a.AssessedAt, ViolenceType.Unspecified),
        SocialTeamAssessment a => new(a.HasScore ? a.Score : null, a.AssessedAt, ViolenceType.Unspecified),
        _ => null,
    };
}
