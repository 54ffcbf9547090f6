using Exchange.Client;
using Exchange.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;

namespace Exchange.Scenario;

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

    /// <summary>
    /// Reads the inbox from the start until <paramref name="complete"/> holds for what arrived, or the
    /// timeout passes (then returns what did arrive, for the assertion to show).
    /// </summary>
    public async Task<IReadOnlyList<Delivery>> InboxAsync(Func<IReadOnlyList<Delivery>, bool> complete, TimeSpan? timeout = null)
    {
        var deliveries = new List<Delivery>();
        using var stop = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        using var call = new Signals.SignalsClient(Channel).Subscribe(new SubscribeRequest(), cancellationToken: stop.Token);
        try
        {
            while (!complete(deliveries) && await call.ResponseStream.MoveNext(stop.Token))
            {
                deliveries.Add(call.ResponseStream.Current.Delivery);
            }
        }
        catch (Grpc.Core.RpcException exception) when (exception.StatusCode == Grpc.Core.StatusCode.Cancelled)
        {
            // Timed out: the caller asserts on what arrived.
        }
        catch (OperationCanceledException)
        {
        }

        return deliveries;
    }

    /// <summary>The payloads of one type in the inbox.</summary>
    public static IEnumerable<T> Payloads<T>(IEnumerable<Delivery> deliveries)
        where T : Google.Protobuf.IMessage<T>, new() =>
        deliveries.Where(d => d.Signal.Payload.Is(new T().Descriptor)).Select(d => d.Signal.Payload.Unpack<T>());

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
