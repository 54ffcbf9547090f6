using Exchange.Contracts.Classification;
using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Google.Protobuf;
using ChildProtectionAssessment = Exchange.Contracts.ChildProtection.V1.SafetyAssessment;
using SocialTeamAssessment = Exchange.Contracts.SocialTeam.V1.SafetyAssessment;
using VeiligThuisAssessment = Exchange.Contracts.VeiligThuis.V1.SafetyAssessment;

namespace Exchange.Node.Routing;

/// <summary>
/// What the index may learn from a signal without seeing its payload: who belongs to one family,
/// who are the (ex-)partners, the violence-type indication and an assessment's score.
/// </summary>
public static class SignalFacts
{
    /// <summary>The payload types that are safety assessments, whatever their domain.</summary>
    public static IReadOnlySet<string> AssessmentTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        VeiligThuisAssessment.Descriptor.FullName,
        RiskAssessment.Descriptor.FullName,
        ChildProtectionAssessment.Descriptor.FullName,
        SocialTeamAssessment.Descriptor.FullName,
    };

    public static RecordSignalFactsRequest From(Signal signal)
    {
        var facts = new RecordSignalFactsRequest
        {
            SignalId = signal.Id,
            HolderOrganisationId = signal.HolderOrganisationId,
            PayloadType = Payloads.TypeName(signal.Payload),
        };
        facts.Subjects.AddRange(signal.Subjects.Select(s => s.Pseudonym));
        switch (Payloads.Unpack(signal.Payload))
        {
            case DomesticViolenceIncident { Suspect.Pseudonym.Length: > 0 } incident:
                facts.Partners.AddRange(incident.Victims.Select(v => new PartnerPair { First = incident.Suspect.Pseudonym, Second = v.Pseudonym }));
                break;
            case VeiligThuisAssessment assessment:
                facts.ViolenceType = assessment.ViolenceType;
                SetScore(facts, assessment.HasScore, assessment.Score);
                break;
            case RiskAssessment assessment:
                SetScore(facts, assessment.HasScore, assessment.Score);
                break;
            case ChildProtectionAssessment assessment:
                SetScore(facts, assessment.HasScore, assessment.Score);
                break;
            case SocialTeamAssessment assessment:
                SetScore(facts, assessment.HasScore, assessment.Score);
                break;
            case IMessage:
            case null:
                break;
        }

        return facts;
    }

    private static void SetScore(RecordSignalFactsRequest facts, bool hasScore, uint score)
    {
        if (hasScore)
        {
            facts.AssessmentScore = score;
        }
    }
}
