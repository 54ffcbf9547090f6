using Exchange.Contracts.Node.V1;
using Exchange.Contracts.V1;
using Exchange.Index.Hosting;
using Exchange.Disclosure.Flow;
using Exchange.Disclosure.Delivery;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Index.Routing;

/// <summary>
/// The index's own disclosures: a part of one holder's data (an involvement, an assessment summary)
/// decided, logged and redacted through the same flow as every other disclosure, then delivered.
/// </summary>
public sealed class Notifier(DisclosureFlow flow, IInboxDelivery inboxes, PartnerCatalog partners, TimeProvider time)
{
    /// <summary>The organisation id that marks signals the exchange itself composes.</summary>
    public const string ExchangeHolder = "exchange";

    /// <summary>Discloses <paramref name="payload"/> of <paramref name="holder"/> to the recipient; null when denied or nothing released.</summary>
    public async Task<(Disclosed Disclosed, IMessage Payload)?> DiscloseAsync(
        string holder, Actor recipient, IReadOnlyList<string> subjects, Purpose purpose, string legalBasis,
        DataCategory category, DisclosureKind kind, IMessage payload, CancellationToken cancellationToken)
    {
        var record = Synthetic(holder, subjects, payload);
        var intent = new DisclosureIntent(holder, recipient, subjects, purpose, legalBasis, [category], kind)
        {
            PayloadType = payload.Descriptor.FullName,
            KnownSubjects = subjects,
        };
        var disclosed = await flow.DiscloseAsync(intent, [record], cancellationToken);
        return disclosed.IsDenied || disclosed.Records.Count == 0
            ? null
            : (disclosed, Exchange.Contracts.Classification.Payloads.Unpack(disclosed.Records[0].Payload)!);
    }

    /// <summary>Puts a composed signal in the recipient's inbox, once per key.</summary>
    public async Task DeliverAsync(string recipient, string key, IEnumerable<SubjectRef> subjects, IMessage payload, DisclosureReceipt receipt, CancellationToken cancellationToken)
    {
        var partner = partners.Find(recipient);
        if (partner?.NodeAddress is null)
        {
            RpcErrors.FailedPrecondition(ReasonCodes.UnknownOrganisation, "The recipient has no inbox the index knows.");
        }

        var signal = new Signal
        {
            Id = key,
            HolderOrganisationId = ExchangeHolder,
            OccurredAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            PublishedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            Payload = Any.Pack(payload),
            Provenance = new Provenance { RecordedBy = new Actor { OrganisationId = ExchangeHolder }, RecordedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()) },
        };
        signal.Subjects.AddRange(subjects);
        await inboxes.DeliverAsync(partner.NodeAddress, new DeliverRequest
        {
            RecipientOrganisationId = recipient,
            DeliveryKey = key,
            Signal = signal,
            Receipt = receipt,
        }, cancellationToken);
    }

    private Signal Synthetic(string holder, IReadOnlyList<string> subjects, IMessage payload)
    {
        var signal = new Signal
        {
            Id = Guid.CreateVersion7().ToString(),
            HolderOrganisationId = holder,
            OccurredAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            PublishedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
            Payload = Any.Pack(payload),
        };
        signal.Subjects.AddRange(subjects.Select(s => new SubjectRef { Pseudonym = s }));
        return signal;
    }
}
