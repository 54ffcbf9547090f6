using Exchange.Contracts.Classification;
using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Node.V1;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Flow;
using Exchange.Disclosure.Delivery;
using Exchange.Node.Publishing;
using Exchange.Disclosure.Redaction;
using Exchange.Node.Store;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Exchange.Node.Routing;

/// <summary>
/// Pushes every stored signal to the organisations involved with its people. Each delivery is its own
/// disclosure (decided, logged, redacted, receipted). Progress is kept per recipient in the outbox and
/// each delivery carries a key the inbox stores once, so a restart half-way delivers nothing twice.
/// </summary>
public sealed partial class SignalRouter(
    RoutingStore routing,
    SignalStore store,
    DisclosureFlow flow,
    RoutingService.RoutingServiceClient index,
    IInboxDelivery inboxes,
    TimeProvider time,
    ILogger<SignalRouter> logger) : BackgroundService, ISignalRouter
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _wake = new(0);

    public Task RouteAsync(StoredSignal signal, CancellationToken cancellationToken)
    {
        _wake.Release();
        return Task.CompletedTask;
    }

    /// <summary>Routes every signal that is due now; returns how many were attempted.</summary>
    public async Task<int> RouteDueAsync(CancellationToken cancellationToken)
    {
        var due = routing.Claim(time.GetUtcNow(), 16);
        foreach (var signalId in due)
        {
            await RouteOneAsync(signalId, cancellationToken);
        }

        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (await RouteDueAsync(stoppingToken) > 0)
            {
                continue;
            }

            var next = routing.NextDue();
            var wait = next is null ? TimeSpan.FromSeconds(5) : (next.Value - time.GetUtcNow()).Duration();
            try
            {
                await _wake.WaitAsync(wait < TimeSpan.FromSeconds(5) ? wait : TimeSpan.FromSeconds(5), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private async Task RouteOneAsync(string signalId, CancellationToken cancellationToken)
    {
        try
        {
            var stored = store.Get(signalId) ?? throw new InvalidOperationException("routing names a signal that is not stored");
            await index.RecordSignalFactsAsync(SignalFacts.From(stored.Signal), cancellationToken: cancellationToken);
            var request = new FindRecipientsRequest { HolderOrganisationId = stored.HolderOrganisationId };
            request.Subjects.AddRange(stored.Signal.Subjects.Select(s => s.Pseudonym));
            var recipients = (await index.FindRecipientsAsync(request, cancellationToken: cancellationToken)).Recipients;
            var done = routing.DoneRecipients(signalId);
            // What a delivery discloses: the categories of the fields that hold a value, and the one the record reveals by existing.
            DataCategory[] categories = Payloads.Unpack(stored.Signal.Payload) is { } payload
                ? [.. Redactor.PresentCategories(payload).With(Categories.OfRecord(payload.Descriptor))]
                : [];
            // Each recipient's delivery is its own disclosure, independent of the others': made side by side, a signal
            // for three organisations takes about as long as its slowest delivery rather than the sum of all three. The
            // next signal is still routed only when this one is done, so each inbox gets this node's signals in order.
            var failures = await Task.WhenAll(recipients.Where(r => !done.Contains(r.OrganisationId)).Select(async recipient =>
            {
                try
                {
                    routing.MarkDone(signalId, recipient.OrganisationId, await DeliverAsync(stored, categories, recipient, cancellationToken));
                    return (RpcException?)null;
                }
                catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // One unreachable inbox does not hold back the others; this one is tried again later.
                    return exception;
                }
            }));
            if (failures.FirstOrDefault(f => f is not null) is { } failure)
            {
                throw failure;
            }

            routing.Complete(signalId);
        }
        catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The index, the policy service, the ledger or an inbox is unreachable: nothing was released
            // to the recipients still open; try again later.
            var attempts = routing.Attempts(signalId);
            var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, attempts)));
            LogRoutingDeferred(logger, signalId, exception.StatusCode, backoff.TotalSeconds);
            routing.Reschedule(signalId, time.GetUtcNow() + backoff);
        }
    }

    private async Task<string> DeliverAsync(StoredSignal stored, IReadOnlyCollection<DataCategory> categories, Recipient recipient, CancellationToken cancellationToken)
    {
        var intent = new DisclosureIntent(
            stored.HolderOrganisationId,
            new Actor { OrganisationId = recipient.OrganisationId },
            [.. stored.Signal.Subjects.Select(s => s.Pseudonym)],
            recipient.Purpose,
            string.Empty,
            categories,
            DisclosureKind.Push)
        {
            SignalId = stored.Id,
            PayloadType = stored.PayloadType,
            KnownSubjects = recipient.Subjects,
            PublishedBy = stored.Signal.Provenance?.RecordedBy,
        };

        Disclosed disclosed;
        try
        {
            disclosed = await flow.DiscloseAsync(intent, [stored.Signal], cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.InvalidArgument)
        {
            LogNotDelivered(logger, stored.Id, recipient.OrganisationId, "invalid");
            return "invalid";
        }

        if (disclosed.IsDenied)
        {
            LogNotDelivered(logger, stored.Id, recipient.OrganisationId, disclosed.Response.ReasonCode);
            return "denied";
        }

        if (disclosed.Records.Count == 0)
        {
            return "nothing released";
        }

        await inboxes.DeliverAsync(new Uri(recipient.NodeAddress), new DeliverRequest
        {
            RecipientOrganisationId = recipient.OrganisationId,
            DeliveryKey = $"{stored.Id}:{recipient.OrganisationId}",
            Signal = disclosed.Records[0],
            Receipt = disclosed.Receipt,
        }, cancellationToken);
        return "delivered";
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Routing of signal {SignalId} deferred ({Status}); next attempt in {Seconds} s")]
    private static partial void LogRoutingDeferred(ILogger logger, string signalId, StatusCode status, double seconds);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Signal {SignalId} not delivered to {Recipient}: {Reason}")]
    private static partial void LogNotDelivered(ILogger logger, string signalId, string recipient, string reason);
}
