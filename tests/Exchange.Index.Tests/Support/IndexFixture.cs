using System.Security.Cryptography;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Node.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Index.Assessments;
using Exchange.Index.Families;
using Exchange.Index.Hosting;
using Exchange.Index.Involvements;
using Exchange.Index.Routing;
using Exchange.Index.Storage;
using Exchange.Disclosure.Flow;
using Exchange.Disclosure.Delivery;
using Exchange.Disclosure.Pseudonyms;
using Exchange.ServiceDefaults.Identity;
using Exchange.Testing;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Exchange.Index.Tests.Support;

/// <summary>The index's real stores on a temporary SQLite file; the policy service and the inboxes faked.</summary>
public sealed class IndexFixture : IDisposable
{
    private readonly TempDirectory _directory = new("exchange-index");

    public IndexFixture()
    {
        Database = new IndexDatabase(_directory.File("index.db"));
        Involvements = new InvolvementStore(Database);
        Families = new FamilyGraph(Database, Time);
        var options = Options.Create(new IndexOptions
        {
            DataDirectory = _directory.Path,
            PolicyAddress = new Uri("http://policy.test"),
            Partners =
            [
                new IndexPartner { Id = "politie-zwb", Name = "Politie", Domain = Domain.Police, NodeAddress = new Uri("http://police.test") },
                new IndexPartner { Id = "vt-mwb", Name = "Veilig Thuis MWB", Domain = Domain.VeiligThuis, NodeAddress = new Uri("http://vt.test") },
                new IndexPartner { Id = "rvdk-zuidwest", Name = "RvdK Zuidwest", Domain = Domain.ChildProtection, NodeAddress = new Uri("http://rvdk.test") },
                new IndexPartner { Id = "swt-tilburg", Name = "Wijkteam Tilburg", Domain = Domain.SocialTeam, NodeAddress = new Uri("http://swt.test") },
            ],
        });
        Partners = new PartnerCatalog(new SettableOptions<IndexOptions>(options.Value));
        Notifier = new Notifier(new DisclosureFlow(Authority, Codec, []), Delivery, Partners, Time);
        Divergence = new DivergenceWatch(Families, Involvements, Notifier, Codec, options, Time);
        Service = new InvolvementsService(Involvements, Families, Partners, Notifier, Authority, Codec, Time);
        Routing = new RoutingGrpcService(Involvements, Families, Partners, Divergence, Time);
    }

    public PseudonymCodec Codec { get; } = new(RandomNumberGenerator.GetBytes(32));

    public TimeProvider Time { get; } = new SteppingTime();

    public IndexDatabase Database { get; }

    public InvolvementStore Involvements { get; }

    public FamilyGraph Families { get; }

    public PartnerCatalog Partners { get; }

    public FakeAuthority Authority { get; } = new();

    public RecordingDelivery Delivery { get; } = new();

    public Notifier Notifier { get; }

    public DivergenceWatch Divergence { get; }

    public InvolvementsService Service { get; }

    public RoutingGrpcService Routing { get; }

    /// <summary>A person by BSN: the exchange pseudonym and the organisation's own.</summary>
    public string Person(string bsn) => Codec.FromBsn(bsn);

    public string At(string organisation, string bsn) => Codec.ToOrganisation(Person(bsn), organisation);

    public void Dispose() => _directory.Dispose();
}

public sealed class FakeAuthority : IDisclosureAuthority
{
    public Func<DecideRequest, Decision> Rule { get; set; } = _ => Decision.Permit;

    public List<DecideRequest> Decisions { get; } = [];

    public Task<DecideResponse> DecideAsync(DecideRequest request, CancellationToken cancellationToken)
    {
        Decisions.Add(request);
        var decision = Rule(request);
        var response = new DecideResponse { DecisionId = Guid.NewGuid().ToString(), Decision = decision, ReasonCode = decision == Decision.Deny ? "NO_ACTIVE_INVOLVEMENT" : string.Empty };
        if (decision != Decision.Deny)
        {
            response.Released.AddRange(request.Categories);
        }

        return Task.FromResult(response);
    }

    public Task<AppendResponse> RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken) =>
        Task.FromResult(new AppendResponse());
}

public sealed class RecordingDelivery : IInboxDelivery
{
    public List<DeliverRequest> Calls { get; } = [];

    public Task<DeliverResponse> DeliverAsync(Uri node, DeliverRequest request, CancellationToken cancellationToken)
    {
        Calls.Add(request);
        return Task.FromResult(new DeliverResponse { Cursor = (ulong)Calls.Count });
    }
}

/// <summary>A call as the gateway forwards it: the verified organisation in the metadata.</summary>
public sealed class CallFrom(string organisation) : ServerCallContext
{
    private readonly Metadata _headers = new() { { ExchangeHeaders.Organisation, organisation } };

    protected override string MethodCore => "test";

    protected override string HostCore => "localhost";

    protected override string PeerCore => "ipv4:127.0.0.1:1";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore => _headers;

    protected override CancellationToken CancellationTokenCore => TestContext.Current.CancellationToken;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore { get; } = new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}

/// <summary>A clock that moves one millisecond each time it is read, so "newest" is decided by order of events, not by sleeping.</summary>
public sealed class SteppingTime : TimeProvider
{
    private long _ticks = DateTimeOffset.Parse("2026-11-22T20:00:00Z", global::System.Globalization.CultureInfo.InvariantCulture).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref _ticks, TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
