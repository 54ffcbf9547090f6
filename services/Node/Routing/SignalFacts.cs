using Exchange.Contracts.Classification;
using Exchange.Contracts.Index.V1;
using Exchange.Contracts.V1;

namespace Exchange.Node.Routing;

/// <summary>
/// What the index may learn from a signal without seeing its payload: who belongs to one family, who is
/// alleged to have used violence against whom, the violence-type indication and an assessment's score. Read
/// from the facts the contracts declare on the payload's fields (<see cref="CaseFacts"/>).
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
        var reading = CaseFacts.Read(Payloads.Unpack(signal.Payload));
        facts.AllegedPerpetrators.AddRange(reading.AllegedPerpetrators);
        facts.Victims.AddRange(reading.Victims);
        if (reading.IsSafetyAssessment)
        {
            facts.ViolenceType = reading.ViolenceType;
            if (reading.Score is { } score)
            {
                facts.AssessmentScore = score;
            }
        }

        return facts;
    }
}
