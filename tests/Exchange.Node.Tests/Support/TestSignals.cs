using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Node.Tests.Support;

/// <summary>Signals as a holder's service stores them (exchange pseudonyms).</summary>
public static class TestSignals
{
    public static Signal Stored(string holder, IMessage payload, params string[] subjects)
    {
        var signal = new Signal
        {
            Id = Guid.CreateVersion7().ToString(),
            HolderOrganisationId = holder,
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
            PublishedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Provenance = new Provenance { RecordedBy = new Actor { OrganisationId = holder, ProfessionalId = "p-1" }, RecordedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
            Payload = Any.Pack(payload),
        };
        signal.Subjects.AddRange(subjects.Select(s => new SubjectRef { Pseudonym = s }));
        return signal;
    }

    public static DomesticViolenceIncident Incident(string suspect, string victim) => new()
    {
        Suspect = new SubjectRef { Pseudonym = suspect },
        Victims = { new SubjectRef { Pseudonym = victim } },
        Forms = { ViolenceForm.Physical },
        Narrative = "pushed against the wall",
        Offence = "art. 300 Sr",
    };
}
