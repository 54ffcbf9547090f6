using Exchange.Contracts.Classification;
using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Node.Assessments;

namespace Exchange.Node.Routing;

/// <summary>
/// What the index may learn from a signal without seeing its payload: who belongs to one family,
/// who are the (ex-)partners, the violence-type indication and an assessment's score.
/// </summary>
public static class SignalFacts
{
    public static RecordSignalFactsRequest From(Signal signal)
    {
        var facts = new RecordSignalFactsRequest
        {
            SignalId = signal.Id,
            HolderOrganisationId = signal.HolderOrganisationId,
            PayloadType = Payloads.TypeName(signal.Payload),
        };
        facts.Subjects.AddRange(signal.Subjects.Select(s => s.Pseudonym));
        var payload = Payloads.Unpack(signal.Payload);
        if (payload is DomesticViolenceIncident { Suspect.Pseudonym.Length: > 0 } incident)
        {
            facts.Partners.AddRange(incident.Victims.Select(v => new PartnerPair { First = incident.Suspect.Pseudonym, Second = v.Pseudonym }));
        }

        if (SafetyAssessments.Read(payload) is { } assessment)
        {
            facts.ViolenceType = assessment.ViolenceType;
            if (assessment.Score is { } score)
            {
                facts.AssessmentScore = score;
            }
        }

        return facts;
    }
}
