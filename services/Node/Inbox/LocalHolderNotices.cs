using Exchange.Contracts.V1;
using Exchange.Disclosure.Flow;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Node.Inbox;

/// <summary>The holder's inbox is on this node (the holder's own domain service): the notice goes straight in.</summary>
public sealed class LocalHolderNotices(InboxStore inbox, TimeProvider time) : IHolderNotices
{
    public Task NotifyAsync(string holder, string key, IReadOnlyList<SubjectRef> subjects, IMessage notice, DisclosureReceipt receipt, CancellationToken cancellationToken)
    {
        var now = Timestamp.FromDateTimeOffset(time.GetUtcNow());
        var signal = new Signal
        {
            Id = key,
            HolderOrganisationId = holder,
            OccurredAt = now,
            PublishedAt = now,
            Payload = Any.Pack(notice),
            Provenance = new Provenance { RecordedBy = new Actor { OrganisationId = "exchange" }, RecordedAt = now },
        };
        signal.Subjects.AddRange(subjects);
        inbox.Deliver(holder, key, signal, receipt);
        return Task.CompletedTask;
    }
}
