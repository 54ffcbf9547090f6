using System.Text;
using Exchange.Client;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.System.Tests.Support;

/// <summary>What one call came to: the response (data left) or the status (nothing left), and when it ran.</summary>
public sealed record CallOutcome(DisclosureResponse? Response, RpcException? Failure, DateTime Started, DateTime Ended)
{
    public bool Succeeded => Response is not null;
}

/// <summary>
/// The family every fault test works on: the police hold a restraining order against Leo protecting Nora, and the
/// social team is involved with Nora, so its requests for the order's MEASURE fields are permitted and its inbox gets
/// the order pushed. <see cref="AssertPromisesHeldAsync"/> checks what the exchange promises under any fault.
/// </summary>
public sealed class FaultScenario
{
    /// <summary>In the order's grounds: text that must never appear in a failure, and never leaves with MEASURE only.</summary>
    public const string Grounds = "Leo pushed Nora against the wall";

    /// <summary>In the order's MEASURE fields: what a permitted request receives.</summary>
    public const string ImposedBy = "burgemeester van Tilburg";

    private int _served;

    private FaultScenario(ExchangeCluster cluster, Partner police, Partner team)
    {
        Cluster = cluster;
        Police = police;
        Team = team;
    }

    public ExchangeCluster Cluster { get; }

    public Partner Police { get; }

    public Partner Team { get; }

    public string NoraAtTeam { get; private set; } = string.Empty;

    public string NoraAtPolice { get; private set; } = string.Empty;

    public string LeoAtPolice { get; private set; } = string.Empty;

    /// <summary>How many pulls were served so far.</summary>
    public int Served => Volatile.Read(ref _served);

    public static async Task<FaultScenario> CreateAsync(ExchangeCluster cluster, string leoBsn = "111222333", string noraBsn = "123456782")
    {
        var scenario = new FaultScenario(
            cluster,
            new Partner(DemoPartners.Police, cluster.Channel(DemoPartners.Police)),
            new Partner(DemoPartners.SocialTeam, cluster.Channel(DemoPartners.SocialTeam)));
        scenario.LeoAtPolice = await scenario.Police.ResolveAsync(leoBsn);
        scenario.NoraAtPolice = await scenario.Police.ResolveAsync(noraBsn);
        scenario.NoraAtTeam = await scenario.Team.ResolveAsync(noraBsn);
        await scenario.Team.RegisterInvolvementAsync(Purpose.RecoveryPlanning, "Wijkteam Noord", scenario.NoraAtTeam);
        await scenario.PublishOrderAsync();
        return scenario;
    }

    /// <summary>The police publish (another) restraining order about the family; it is routed to the social team.</summary>
    public async Task<string> PublishOrderAsync() =>
        (await new PoliceSignals.PoliceSignalsClient(Police.Channel).PublishRestrainingOrderAsync(OrderPublication())).Result.SignalId;

    /// <summary>
    /// Publishes an order as a careful publisher does while the exchange is partly down: the same request (so the same
    /// idempotency key) again after each UNAVAILABLE, until it is stored. Returns the signal id and the failures on the way.
    /// </summary>
    public async Task<(string SignalId, IReadOnlyList<RpcException> Failures)> PublishOrderUntilStoredAsync(TimeSpan patience)
    {
        var request = OrderPublication();
        var failures = new List<RpcException>();
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                var answer = await new PoliceSignals.PoliceSignalsClient(Police.Channel).PublishRestrainingOrderAsync(
                    request, deadline: DateTime.UtcNow.AddSeconds(20), cancellationToken: TestContext.Current.CancellationToken);
                return (answer.Result.SignalId, failures);
            }
            catch (RpcException exception) when (exception.StatusCode is StatusCode.Unavailable && DateTime.UtcNow < deadline)
            {
                failures.Add(exception);
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }

    /// <summary>A new restraining order about the family (with its own idempotency key).</summary>
    public PublishRestrainingOrderRequest OrderPublication() =>
        new()
        {
            Header = Police.Header("agent-2231", [LeoAtPolice, NoraAtPolice], new Source { Kind = SourceKind.PoliceReport }),
            Order = new RestrainingOrder
            {
                RestrainedPerson = new SubjectRef { Pseudonym = LeoAtPolice },
                ProtectedPersons = { new SubjectRef { Pseudonym = NoraAtPolice } },
                Kind = RestrainingOrderKind.HouseBan,
                Period = new Period { Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), End = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(10)) },
                ImposedBy = ImposedBy,
                Grounds = Grounds,
            },
        };

    /// <summary>The social team asks the police for the order (MEASURE): permitted whenever the exchange can decide and record.</summary>
    public DisclosureRequest Pull() => new()
    {
        Subject = new SubjectRef { Pseudonym = NoraAtTeam },
        Purpose = Purpose.RecoveryPlanning,
        LegalBasis = new LegalBasisRef { Id = "wth" },
        Categories = { DataCategory.Measure },
        Requester = Team.Professional("sociaal werker", "sw-0042"),
        PayloadTypes = { RestrainingOrder.Descriptor.FullName },
    };

    public async Task<CallOutcome> TryPullAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var started = DateTime.UtcNow;
        try
        {
            var response = await new Disclosures.DisclosuresClient(Team.Channel)
                .RequestAsync(Pull(), PartnerChannel.Holder(DemoPartners.Police), cancellationToken: cancellationToken);
            Interlocked.Increment(ref _served);
            return new CallOutcome(response, null, started, DateTime.UtcNow);
        }
        catch (RpcException exception) when (exception.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            return new CallOutcome(null, exception, started, DateTime.UtcNow);
        }
    }

    /// <summary>
    /// <paramref name="callers"/> concurrent callers pulling in a loop until <paramref name="stop"/> is cancelled (each stops
    /// after at most <paramref name="maxCallsEach"/>): the burst a fault lands in.
    /// </summary>
    public async Task<IReadOnlyList<CallOutcome>> BurstAsync(int callers, int maxCallsEach, CancellationToken stop)
    {
        var outcomes = new List<CallOutcome>();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < maxCallsEach && !stop.IsCancellationRequested; i++)
            {
                var outcome = await TryPullAsync();
                lock (outcomes)
                {
                    outcomes.Add(outcome);
                }

                if (!outcome.Succeeded)
                {
                    // A failing exchange answers at once; do not spin on it.
                    await Task.Delay(100, CancellationToken.None);
                }
            }
        }, CancellationToken.None)));
        return outcomes;
    }

    /// <summary>Pulls until one succeeds, bounded by <paramref name="patience"/>; returns every outcome on the way (the last succeeded).</summary>
    public async Task<IReadOnlyList<CallOutcome>> PullUntilServedAsync(TimeSpan patience)
    {
        var outcomes = new List<CallOutcome>();
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var outcome = await TryPullAsync();
            outcomes.Add(outcome);
            if (outcome.Succeeded)
            {
                return outcomes;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"no request was served within {patience.TotalSeconds} s; the last answer was {outcome.Failure!.StatusCode} {RpcErrors.ReasonOf(outcome.Failure)}: {outcome.Failure.Status.Detail}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// What the exchange promises whatever fails: a caller that got data has a decision and a release entry behind it
    /// (the acknowledged entries survived the fault); a caller that did not got UNAVAILABLE or DEADLINE_EXCEEDED with
    /// one of <paramref name="reasons"/> and no data in the status; every release in the ledger follows a permitting
    /// decision for the same disclosure, none is recorded twice, and the ledger verifies.
    /// </summary>
    public async Task AssertPromisesHeldAsync(IEnumerable<CallOutcome> outcomes, params string[] reasons)
    {
        var entries = await LedgerReader.AllAsync(Cluster);
        var decisions = entries.Where(e => e.Kind == EntryKind.Decision).ToLookup(e => e.DecisionId);
        var releases = entries.Where(e => e.Kind == EntryKind.Release).ToList();
        foreach (var outcome in outcomes)
        {
            if (outcome.Response is { } response)
            {
                Assert.Equal(ImposedBy, Assert.Single(response.Records).Payload.Unpack<RestrainingOrder>().ImposedBy);
                Assert.True(decisions[response.Receipt.DecisionId].Any(), $"data left for decision {response.Receipt.DecisionId}, which is not in the ledger");
                Assert.Contains(releases, r => r.DecisionId == response.Receipt.DecisionId);
                continue;
            }

            var failure = outcome.Failure!;
            Assert.True(failure.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded, $"{failure.StatusCode}: {failure.Status.Detail}");
            Assert.Contains(RpcErrors.ReasonOf(failure) ?? "(no reason code)", reasons);
            var status = failure.GetRpcStatus()?.ToByteArray() ?? [];
            Assert.False(Contains(status, ImposedBy) || Contains(status, Grounds), "a failure carries the order's data");
        }

        foreach (var release in releases)
        {
            var decision = decisions[release.DecisionId].FirstOrDefault(d => d.Sequence == release.ConcernsSequence);
            Assert.True(decision is { Decision: Decision.Permit or Decision.PartialPermit }, $"release {release.Sequence} follows no permitting decision");
        }

        var twice = releases.GroupBy(r => (r.DecisionId, r.SubjectPseudonym)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"released twice: {string.Join(", ", twice)}");
        var report = await LedgerReader.VerifyAsync(Cluster);
        Assert.True(report.Succeeded, report.Failure);
    }

    /// <summary>What a failure says, for an assertion's message.</summary>
    public static string Describe(IEnumerable<CallOutcome> outcomes) => string.Join("; ", outcomes
        .GroupBy(o => o.Failure is null ? "OK" : $"{o.Failure.StatusCode} {RpcErrors.ReasonOf(o.Failure)}")
        .Select(g => $"{g.Key} ×{g.Count()}"));

    private static bool Contains(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
