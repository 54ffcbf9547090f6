using Exchange.Client.Local;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Load;

/// <summary>
/// The full disclosure path under load, through the gateway with real mTLS and tokens: a social-team
/// system asks the police for what it may know (a restraining order's MEASURE fields) about people it is
/// involved with. Every call is decided, written to the ledger before the answer, redacted and receipted.
/// </summary>
public sealed class PullDisclosureLoad(LoadOptions options, TextWriter output)
{
    private const string Police = "politie-zwb";
    private const string SocialTeam = "swt-tilburg";

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        var manifest = LocalManifest.Read(options.Manifest);
        if (!new Uri(manifest.Gateway).IsLoopback)
        {
            throw new InvalidOperationException("The load tool only targets an exchange on this machine's loopback address.");
        }

        using var police = manifest.Connect(Police);
        using var team = manifest.Connect(SocialTeam);
        var subjects = await PrepareAsync(police, team, cancellationToken);

        await output.WriteLineAsync($"load: {options.Workers} workers, {options.Duration.TotalSeconds:0} s, {subjects.Count} people");
        var recorder = new LatencyRecorder();
        var client = new Disclosures.DisclosuresClient(team.Channel);
        var holder = new Metadata { { "exchange-holder", Police } };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(options.Duration);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, options.Workers).Select(worker => Task.Run(async () =>
        {
            var latencies = recorder.ForWorker();
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var request = new DisclosureRequest
                {
                    Subject = new SubjectRef { Pseudonym = subjects[random.Next(subjects.Count)] },
                    Purpose = Purpose.RecoveryPlanning,
                    LegalBasis = new LegalBasisRef { Id = "wth" },
                    Categories = { DataCategory.Measure },
                    Requester = new Actor { Role = "sociaal werker", ProfessionalId = $"load-{worker}" },
                };
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                try
                {
                    await client.RequestAsync(request, holder, cancellationToken: stop.Token);
                    latencies.Add(LatencyRecorder.Milliseconds(start));
                    recorder.Count(StatusCode.OK);
                }
                catch (RpcException exception) when (!stop.IsCancellationRequested)
                {
                    recorder.Count(exception.StatusCode);
                }
                catch (RpcException) when (stop.IsCancellationRequested)
                {
                    // The run ended mid-call.
                }
            }
        }, CancellationToken.None)));
        return recorder.Result(System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The people, a restraining order about each at the police, and the social team's involvement with them.</summary>
    private async Task<IReadOnlyList<string>> PrepareAsync(PartnerConnection police, PartnerConnection team, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var people = SyntheticPeople.Create(options.People, seed: options.People);
        var atTeam = new string[people.Count];
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(people.Select(async (bsn, i) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                atTeam[i] = await PrepareOneAsync(police, team, bsn, $"load-{run}-{i}", cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        return atTeam;
    }

    private static async Task<string> PrepareOneAsync(PartnerConnection police, PartnerConnection team, string bsn, string key, CancellationToken cancellationToken)
    {
        var atPolice = (await Retry.OnRateLimitAsync(() => new Pseudonyms.PseudonymsClient(police.Channel)
            .ResolveAsync(new ResolveRequest { Bsn = bsn }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken)).Subject;
        var atTeam = (await Retry.OnRateLimitAsync(() => new Pseudonyms.PseudonymsClient(team.Channel)
            .ResolveAsync(new ResolveRequest { Bsn = bsn }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken)).Subject;
        await Retry.OnRateLimitAsync(() => new Involvements.InvolvementsClient(team.Channel).RegisterAsync(new RegisterRequest
        {
            Subjects = { atTeam },
            Purpose = Purpose.RecoveryPlanning,
            ContactPoint = new ContactPoint { Team = "Wijkteam (load)" },
        }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        await Retry.OnRateLimitAsync(() => new PoliceSignals.PoliceSignalsClient(police.Channel).PublishRestrainingOrderAsync(new PublishRestrainingOrderRequest
        {
            Header = new SignalHeader
            {
                Subjects = { atPolice },
                OccurredAt = Timestamp.FromDateTimeOffset(now.AddHours(-1)),
                IdempotencyKey = key,
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
        }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
        return atTeam.Pseudonym;
    }
}
