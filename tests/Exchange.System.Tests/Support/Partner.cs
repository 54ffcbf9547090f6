using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;

namespace Exchange.System.Tests.Support;

/// <summary>What a partner organisation's system does through the gateway, in the words of the domain.</summary>
public sealed class Partner(string organisationId, GrpcChannel channel)
{
    public string Id { get; } = organisationId;

    public GrpcChannel Channel { get; } = channel;

    public Actor Professional(string role, string professionalId) => new() { OrganisationId = Id, Role = role, ProfessionalId = professionalId };

    public async Task<string> ResolveAsync(string bsn) =>
        (await new Pseudonyms.PseudonymsClient(Channel).ResolveAsync(new ResolveRequest { Bsn = bsn })).Subject.Pseudonym;

    public async Task<Involvement> RegisterInvolvementAsync(Purpose purpose, string team, params string[] subjects)
    {
        var request = new RegisterRequest
        {
            Purpose = purpose,
            ContactPoint = new ContactPoint { Team = team, Telephone = "013-0000000" },
            RegisteredBy = Professional("coordinator", "p-" + Id),
        };
        request.Subjects.AddRange(subjects.Select(s => new SubjectRef { Pseudonym = s }));
        return (await new Involvements.InvolvementsClient(Channel).RegisterAsync(request)).Involvement;
    }

    public Task<DisclosureResponse> RequestAsync(string holder, DisclosureRequest request) =>
        new Disclosures.DisclosuresClient(Channel).RequestAsync(request, PartnerChannel.Holder(holder)).ResponseAsync;

    /// <summary>The envelope of a publish: who it is about, who recorded it when, and on what it rests.</summary>
    public SignalHeader Header(string professionalId, IEnumerable<string> subjects, params Source[] sources)
    {
        var header = new SignalHeader
        {
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
            Provenance = new Provenance
            {
                RecordedBy = Professional("professional", professionalId),
                RecordedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            },
            IdempotencyKey = Guid.NewGuid().ToString(),
        };
        header.Provenance.Sources.AddRange(sources);
        header.Subjects.AddRange(subjects.Select(s => new SubjectRef { Pseudonym = s }));
        return header;
    }
}

/// <summary>
/// Reads the ledger as a privacy officers' system does: through the gateway, with a certificate-bound
/// token carrying exchange.ledger.review.
/// </summary>
public static class LedgerReader
{
    public static async Task<IReadOnlyList<LedgerEntry>> AllAsync(ExchangeCluster cluster)
    {
        var client = new LedgerService.LedgerServiceClient(cluster.Channel(ExchangeCluster.LedgerReviewer));
        var entries = new List<LedgerEntry>();
        while (true)
        {
            var page = await client.ReadEntriesAsync(new ReadEntriesRequest { FromSequence = (ulong)entries.Count, Limit = 500 });
            if (page.Entries.Count == 0)
            {
                return entries;
            }

            entries.AddRange(page.Entries);
        }
    }
}
