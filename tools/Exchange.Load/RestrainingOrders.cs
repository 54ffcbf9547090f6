using Exchange.Client.Local;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Load;

/// <summary>The signal a load run has the police publish: a made-up ten-day house ban about one person.</summary>
public static class RestrainingOrders
{
    public static async Task<string> PublishAsync(PartnerConnection police, SubjectRef atPolice, string idempotencyKey, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var published = await new PoliceSignals.PoliceSignalsClient(police.Channel).PublishRestrainingOrderAsync(new PublishRestrainingOrderRequest
        {
            Header = new SignalHeader
            {
                Subjects = { atPolice },
                OccurredAt = Timestamp.FromDateTimeOffset(now.AddHours(-1)),
                IdempotencyKey = idempotencyKey,
                Provenance = new Provenance
                {
                    RecordedBy = new Actor { ProfessionalId = "load-agent" },
                    RecordedAt = Timestamp.FromDateTimeOffset(now),
                    Sources = { new Source { Kind = SourceKind.PoliceReport } },
                },
            },
            Order = new RestrainingOrder
            {
                RestrainedPerson = atPolice,
                Kind = RestrainingOrderKind.HouseBan,
                Period = new Period { Start = Timestamp.FromDateTimeOffset(now), End = Timestamp.FromDateTimeOffset(now.AddDays(10)) },
                Grounds = "load test",
            },
        }, cancellationToken: cancellationToken);
        return published.Result.SignalId;
    }
}
