using System.Security.Cryptography;
using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Node.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Flow;
using Exchange.Node.HolderDecisions;
using Exchange.Node.Hosting;
using Exchange.Disclosure.Delivery;
using Exchange.Node.Inbox;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Node.Publishing;
using Exchange.Node.Routing;
using Exchange.Node.Store;
using Exchange.Node.Validation;
using Exchange.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Exchange.Node.Tests.Support;

/// <summary>A node's real stores on a temporary SQLite file, with the policy service, index and peers faked.</summary>
public sealed class NodeFixture : IDisposable
{
    private readonly TempDirectory _directory = new("exchange-node");

    public NodeFixture(string organisation = "politie-zwb", Domain domain = Domain.Police, string package = "police.v1", params IPayloadValidator[] validators)
        : this(null, organisation, domain, package, validators)
    {
    }

    /// <summary>The stores on <paramref name="database"/> (e.g. PostgreSQL); null: a temporary SQLite file.</summary>
    public NodeFixture(NodeDatabase? database, string organisation = "politie-zwb", Domain domain = Domain.Police, string package = "police.v1", params IPayloadValidator[] validators)
    {
        Organisation = organisation;
        Database = database ?? NodeDatabase.OpenSqlite(_directory.File("node.db"));
        Store = new SignalStore(Database, Protection);
        Inbox = new InboxStore(Database, Protection, Time);
        Routing = new RoutingStore(Database);
        HolderDecisions = new HolderDecisionStore(Database, Protection);
        Context = new NodeContext(Options.Create(new NodeOptions { Organisations = [organisation], DataDirectory = _directory.Path }), new NodeDomain(domain, package));
        Publisher = new SignalPublisher(Context, Store, Codec, validators, [], Time);
    }

    public string Organisation { get; }

    public PseudonymCodec Codec { get; } = new(RandomNumberGenerator.GetBytes(32));

    public IDataProtectionProvider Protection { get; } = new EphemeralDataProtectionProvider();

    public MutableTime Time { get; } = new(DateTimeOffset.Parse("2026-11-22T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public NodeDatabase Database { get; }

    public SignalStore Store { get; }

    public InboxStore Inbox { get; }

    public RoutingStore Routing { get; }

    public HolderDecisionStore HolderDecisions { get; }

    public NodeContext Context { get; }

    public SignalPublisher Publisher { get; }

    public FakeAuthority Authority { get; } = new();

    public FakeIndex Index { get; } = new();

    public RecordingDelivery Delivery { get; } = new();

    public SignalRouter Router() =>
        new(Routing, Store, new DisclosureFlow(Authority, Codec, []), Index, Delivery, Time, NullLogger<SignalRouter>.Instance);

    /// <summary>The holder-decision flow of this node, its notices going into this node's real inboxes.</summary>
    public HolderDecisionFlow HolderDecisionFlow()
    {
        var notices = new LocalHolderNotices(Inbox, Time);
        return new HolderDecisionFlow(
            Context, HolderDecisions, Store, new DisclosureFlow(Authority, Codec, [notices]), Authority, [notices], Delivery, Index, Codec, Time,
            NullLogger<HolderDecisionFlow>.Instance);
    }

    public string Person(string bsn) => Codec.FromBsn(bsn);

    public void Dispose()
    {
        Database.Dispose();
        _directory.Dispose();
    }
}

public sealed class MutableTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The policy service as the node sees it: decides with a rule the test gives, records what it is told.</summary>
public sealed class FakeAuthority : IDisclosureAuthority
{
    private ulong _sequence;

    public Func<DecideRequest, (Decision Decision, DataCategory[] Released)> Rule { get; set; } =
        r => (Decision.Permit, [.. r.Categories]);

    public Exception? Failure { get; set; }

    public List<DecideRequest> Decisions { get; } = [];

    public List<LedgerEntry> Releases { get; } = [];

    public Task<DecideResponse> DecideAsync(DecideRequest request, CancellationToken cancellationToken)
    {
        if (Failure is not null)
        {
            throw Failure;
        }

        Decisions.Add(request);
        var (decision, released) = Rule(request);
        var response = new DecideResponse
        {
            DecisionId = Guid.NewGuid().ToString(),
            Decision = decision,
            BundleHash = "test",
            ReasonCode = decision == Decision.Deny ? "NO_PERMITTING_RULE" : decision == Decision.HolderDecisionRequired ? "HOLDER_DECISION_REQUIRED" : string.Empty,
            LegalBasis = request.LegalBasis ?? new LegalBasisRef { Id = "test-basis" },
            DecidedBy = decision == Decision.HolderDecisionRequired ? null : request.HolderDecision?.DecidedBy,
        };
        response.RecipientReasonCode = response.ReasonCode;
        if (decision == Decision.HolderDecisionRequired)
        {
            response.AwaitingHolder.AddRange(released);
        }
        else
        {
            response.Released.AddRange(released);
        }

        response.LedgerSequences.AddRange(request.Subjects.Select(_ => _sequence++));
        return Task.FromResult(response);
    }

    public Task<AppendResponse> RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        Releases.AddRange(entries);
        return Task.FromResult(new AppendResponse { Sequences = { entries.Select(_ => _sequence++) } });
    }
}

/// <summary>The index's routing service, answering from a list the test sets.</summary>
public sealed class FakeIndex : RoutingService.RoutingServiceClient
{
    public List<Recipient> Recipients { get; } = [];

    public List<RecordSignalFactsRequest> Facts { get; } = [];

    public override AsyncUnaryCall<FindRecipientsResponse> FindRecipientsAsync(FindRecipientsRequest request, CallOptions options)
    {
        var response = new FindRecipientsResponse();
        response.Recipients.AddRange(Recipients.Where(r => r.Subjects.Intersect(request.Subjects).Any()));
        return Call(response);
    }

    /// <summary>Every organisation's inbox is on one peer, at this address.</summary>
    public Uri InboxNode { get; set; } = new("http://inboxes.test");

    public override AsyncUnaryCall<LocateInboxResponse> LocateInboxAsync(LocateInboxRequest request, CallOptions options) =>
        Call(new LocateInboxResponse { NodeAddress = InboxNode.ToString() });

    public override AsyncUnaryCall<RecordSignalFactsResponse> RecordSignalFactsAsync(RecordSignalFactsRequest request, CallOptions options)
    {
        Facts.Add(request);
        return Call(new RecordSignalFactsResponse());
    }

    private static AsyncUnaryCall<T> Call<T>(T response) =>
        new(Task.FromResult(response), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
}

/// <summary>Peers' inboxes: records every delivery, can fail for a recipient, or land in a real inbox store.</summary>
public sealed class RecordingDelivery : IInboxDelivery
{
    public List<DeliverRequest> Calls { get; } = [];

    public HashSet<string> Unreachable { get; } = [];

    public InboxStore? Target { get; set; }

    public Task<DeliverResponse> DeliverAsync(Uri node, DeliverRequest request, CancellationToken cancellationToken)
    {
        if (Unreachable.Contains(request.RecipientOrganisationId))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "peer down"));
        }

        Calls.Add(request);
        var (cursor, duplicate) = Target?.Deliver(request.RecipientOrganisationId, request.DeliveryKey, request.Signal, request.Receipt) ?? ((ulong)Calls.Count, false);
        return Task.FromResult(new DeliverResponse { Cursor = cursor, Duplicate = duplicate });
    }
}
