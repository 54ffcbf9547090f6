using System.Security.Cryptography;
using Exchange.Conformance.Fixtures;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Conformance.Running;

/// <summary>The kit's own records at the node, published once per run and shared by the checks that need data.</summary>
public sealed record TestData(string HolderSubject, string RequesterSubject, string RecordSignalId, IMessage Record, string ConfidentialSignalId);

/// <summary>
/// One run against one node: its connections, and the test data the checks share. The data is about a synthetic
/// person (a BSN of the 9999 test range, seen only by the index's pseudonym endpoint) and is marked as the kit's
/// in its provenance: run the kit before a node goes live, as onboarding does.
/// </summary>
public sealed class ConformanceRun : IDisposable
{
    /// <summary>The professional the kit's records and requests name; not a person.</summary>
    public const string ProfessionalId = "conformance-kit";

    private Task<TestData>? _data;

    public ConformanceRun(ConformanceTarget target, TimeProvider time)
    {
        Target = target;
        Time = time;
        Connection = new NodeConnection(target);
        Fixture = DomainFixtures.For(target.Domain);
        RunId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    }

    public ConformanceTarget Target { get; }

    public TimeProvider Time { get; }

    public NodeConnection Connection { get; }

    public IConformanceFixture? Fixture { get; }

    /// <summary>Distinguishes this run's records, deliveries and idempotency keys from another run's.</summary>
    public string RunId { get; }

    public static Actor Professional(CallerCredentials caller) => new() { OrganisationId = caller.OrganisationId, Role = "conformance", ProfessionalId = ProfessionalId };

    /// <summary>Why the data checks cannot run with what this run was given, or null when they can.</summary>
    public string? MissingForData() =>
        Fixture is null ? $"the kit has no test records for the {Target.Domain} domain yet"
        : Target.Holder is null ? $"the node's own credentials ({Target.HolderOrganisationId}) were not given"
        : Target.Requester is null ? $"no requester of the {Fixture.RequesterDomain} domain was given"
        : Target.Index is null ? "the exchange's index (for the synthetic person's pseudonyms) was not given"
        : null;

    /// <summary>The requester asks the node for <paramref name="categories"/> about the synthetic person, for the fixture's purpose.</summary>
    public async Task<(TestData Data, DisclosureResponse Response)> AskAsync(IEnumerable<DataCategory> categories, string? payloadType, CancellationToken cancellationToken)
    {
        var data = await DataAsync(cancellationToken);
        var requester = Target.Requester!;
        var request = new DisclosureRequest
        {
            Subject = new SubjectRef { Pseudonym = data.RequesterSubject },
            Purpose = Fixture!.Purpose,
            Categories = { categories },
            Requester = Professional(requester),
        };
        if (payloadType is not null)
        {
            request.PayloadTypes.Add(payloadType);
        }

        var response = await new Disclosures.DisclosuresClient(Connection.Node).RequestAsync(request, await Connection.AsAsync(requester, Target.HolderOrganisationId, cancellationToken));
        return (data, response);
    }

    /// <summary>The shared test data, prepared by the first check that asks.</summary>
    public Task<TestData> DataAsync(CancellationToken cancellationToken) => _data ??= PrepareAsync(cancellationToken);

    public void Dispose() => Connection.Dispose();

    private async Task<TestData> PrepareAsync(CancellationToken cancellationToken)
    {
        var holder = Target.Holder!;
        var requester = Target.Requester!;
        var fixture = Fixture!;
        var bsn = SyntheticBsn();
        var pseudonyms = new Pseudonyms.PseudonymsClient(Connection.Index);
        var holderSubject = (await pseudonyms.ResolveAsync(new ResolveRequest { Bsn = bsn }, await Connection.AsAsync(holder, holder.OrganisationId, cancellationToken))).Subject.Pseudonym;
        var requesterSubject = (await pseudonyms.ResolveAsync(new ResolveRequest { Bsn = bsn }, await Connection.AsAsync(requester, requester.OrganisationId, cancellationToken))).Subject.Pseudonym;

        var now = Timestamp.FromDateTimeOffset(Time.GetUtcNow().AddMinutes(-1));
        var record = fixture.Record(holderSubject, now);
        var recordId = await PublishAsync(holder, holderSubject, record, "record", now, cancellationToken);
        var confidentialId = await PublishAsync(holder, holderSubject, fixture.ConfidentialRecord(holderSubject, now), "confidential", now, cancellationToken);

        // The requester is involved with the person, as the rules that release data to it require.
        var involvement = new RegisterRequest
        {
            Purpose = fixture.Purpose,
            ContactPoint = new ContactPoint { Team = "Conformance kit", Email = "conformance@exchange.example" },
            RegisteredBy = Professional(requester),
            Subjects = { new SubjectRef { Pseudonym = requesterSubject } },
        };
        await new Involvements.InvolvementsClient(Connection.Index).RegisterAsync(involvement, await Connection.AsAsync(requester, requester.OrganisationId, cancellationToken));
        return new TestData(holderSubject, requesterSubject, recordId, record, confidentialId);
    }

    private async Task<string> PublishAsync(CallerCredentials holder, string subject, IMessage payload, string name, Timestamp now, CancellationToken cancellationToken)
    {
        var signal = new Signal
        {
            Subjects = { new SubjectRef { Pseudonym = subject } },
            Provenance = new Provenance
            {
                RecordedBy = Professional(holder),
                RecordedAt = now,
                Sources = { new Source { Kind = SourceKind.ProfessionalReport, Description = "synthetic record of the conformance kit", Dated = now } },
            },
            OccurredAt = now,
            Payload = Any.Pack(payload),
            IdempotencyKey = $"conformance-{RunId}-{name}",
        };
        var response = await new Signals.SignalsClient(Connection.Node).PublishAsync(new PublishRequest { Signal = signal }, await Connection.AsAsync(holder, holder.OrganisationId, cancellationToken));
        return response.SignalId;
    }

    /// <summary>Nine digits of the 9999 test range that pass the 11-proof.</summary>
    private static string SyntheticBsn()
    {
        while (true)
        {
            var digits = new int[9];
            digits[0] = digits[1] = digits[2] = digits[3] = 9;
            for (var i = 4; i < 8; i++)
            {
                digits[i] = RandomNumberGenerator.GetInt32(10);
            }

            var sum = 0;
            for (var i = 0; i < 8; i++)
            {
                sum += digits[i] * (9 - i);
            }

            digits[8] = sum % 11;
            if (digits[8] < 10)
            {
                return string.Concat(digits);
            }
        }
    }
}
