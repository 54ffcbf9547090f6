using System.Collections.Concurrent;
using Exchange.Client;
using Exchange.Client.Local;
using Exchange.Contracts.V1;
using Grpc.Core;

namespace Exchange.Load;

/// <summary>
/// A published signal fanned out: the police publish a restraining order about a person three organisations are
/// involved with (Veilig Thuis for a safety assessment, the child-protection board for an investigation, the social
/// team for recovery planning), and a call counts as done when each of the three inboxes has it. Each delivery is
/// its own disclosure: decided, written to the ledger, redacted and receipted before it lands in the inbox.
/// </summary>
public sealed class FanOutLoad(LoadOptions options, TextWriter output)
{
    /// <summary>How long a publish may wait for its three deliveries before it counts as an error.</summary>
    public static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(30);

    private static readonly (Domain Domain, Purpose Purpose)[] Recipients =
    [
        (Domain.VeiligThuis, Purpose.SafetyAssessment),
        (Domain.ChildProtection, Purpose.ChildProtectionInvestigation),
        (Domain.SocialTeam, Purpose.RecoveryPlanning),
    ];

    private readonly ConcurrentDictionary<string, Arrival> _arrivals = new(StringComparer.Ordinal);

    public async Task<LoadResult> RunAsync(LocalTarget target, CancellationToken cancellationToken)
    {
        await using var session = await OpenAsync(target, cancellationToken);
        await output.WriteLineAsync($"fan-out to {Recipients.Length}: {options.Workers} workers, {options.Duration.TotalSeconds:0} s, {options.People} people");
        return await LoadRunner.RunAsync(options.Workers, options.Duration, session.Call, cancellationToken);
    }

    /// <summary>Prepares the people, follows the three inboxes, and returns the publish-and-wait call to repeat.</summary>
    public async Task<LoadSession> OpenAsync(LocalTarget target, CancellationToken cancellationToken)
    {
        var police = target.Connect(Domain.Police);
        var recipients = Recipients.Select(r => (Connection: target.Connect(r.Domain), r.Purpose)).ToList();
        void Disconnect()
        {
            police.Dispose();
            recipients.ForEach(r => r.Connection.Dispose());
        }

        IReadOnlyList<SubjectRef> subjects;
        try
        {
            subjects = await PrepareAsync(police, recipients, cancellationToken);
        }
        catch
        {
            Disconnect();
            throw;
        }

        var listening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inboxes = recipients.Select(r => ListenAsync(r.Connection, listening.Token)).ToList();
        var run = Guid.NewGuid().ToString("N")[..8];
        var sequence = 0L;
        return new LoadSession(async (worker, random, stop) =>
        {
            var key = $"fanout-{run}-{Interlocked.Increment(ref sequence)}";
            var signalId = await RestrainingOrders.PublishAsync(police, subjects[random.Next(subjects.Count)], key, stop);
            var arrival = _arrivals.GetOrAdd(signalId, _ => new Arrival(recipients.Count));
            try
            {
                await arrival.All.WaitAsync(DeliveryDeadline, stop);
            }
            catch (TimeoutException)
            {
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"signal {signalId} did not reach every inbox within {DeliveryDeadline.TotalSeconds:0} s"));
            }
            finally
            {
                _arrivals.TryRemove(signalId, out _);
            }
        }, async () =>
        {
            await listening.CancelAsync();
            await Task.WhenAll(inboxes);
            listening.Dispose();
            Disconnect();
        });
    }

    /// <summary>
    /// Follows one recipient's inbox for the run. A delivery can arrive before its publish has returned: whichever
    /// comes first creates the signal's arrival. Deliveries of other runs or of other signals are passed over.
    /// </summary>
    private async Task ListenAsync(PartnerConnection recipient, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = new Signals.SignalsClient(recipient.Channel).Subscribe(new SubscribeRequest(), cancellationToken: cancellationToken);
            await foreach (var response in stream.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (response.Delivery.Signal is { Id.Length: > 0 } signal && signal.Payload?.TypeUrl.EndsWith("police.v1.RestrainingOrder", StringComparison.Ordinal) == true)
                {
                    _arrivals.GetOrAdd(signal.Id, _ => new Arrival(Recipients.Length)).Arrived(recipient.OrganisationId);
                }
            }
        }
        catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is RpcException or OperationCanceledException)
        {
            // The run is over.
        }
    }

    /// <summary>The people, each known to the police and to all three recipients, who each register their involvement.</summary>
    private async Task<IReadOnlyList<SubjectRef>> PrepareAsync(
        PartnerConnection police, IReadOnlyList<(PartnerConnection Connection, Purpose Purpose)> recipients, CancellationToken cancellationToken)
    {
        // Other people than the pull measurement's (another seed), so that its orders do not route here.
        var people = SyntheticPeople.Create(options.People, seed: options.People + 1_000_003);
        var atPolice = new SubjectRef[people.Count];
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(people.Select(async (bsn, i) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                atPolice[i] = await ResolveAsync(police, bsn, cancellationToken);
                foreach (var (recipient, purpose) in recipients)
                {
                    var subject = await ResolveAsync(recipient, bsn, cancellationToken);
                    await Retry.OnRateLimitAsync(() => new Involvements.InvolvementsClient(recipient.Channel).RegisterAsync(new RegisterRequest
                    {
                        Subjects = { subject },
                        Purpose = purpose,
                        ContactPoint = new ContactPoint { Team = "Team (load)" },
                    }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        return atPolice;
    }

    private static async Task<SubjectRef> ResolveAsync(PartnerConnection partner, string bsn, CancellationToken cancellationToken) =>
        (await Retry.OnRateLimitAsync(() => new Pseudonyms.PseudonymsClient(partner.Channel)
            .ResolveAsync(new ResolveRequest { Bsn = bsn }, cancellationToken: cancellationToken).ResponseAsync, cancellationToken)).Subject;

    /// <summary>Which of the recipients have a signal in their inbox; complete when all have.</summary>
    private sealed class Arrival(int expected)
    {
        private readonly HashSet<string> _recipients = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task All => _all.Task;

        public void Arrived(string recipient)
        {
            lock (_recipients)
            {
                if (_recipients.Add(recipient) && _recipients.Count == expected)
                {
                    _all.TrySetResult();
                }
            }
        }
    }
}
