using Exchange.Contracts.Registry.V1;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Exchange.Registry.Client.Snapshots;

/// <summary>
/// Follows the registry for a service: keeps the latest <see cref="PartnerSnapshot"/>, replaces it whole when
/// the registry changes, and signals each replacement through a change token (the pattern of YARP's
/// InMemoryConfigProvider), so that a gateway, policy, index or identity service can rebuild what it derives
/// from the partners. When the registry cannot be reached it keeps the last snapshot and tries again.
/// </summary>
public sealed partial class RegistryWatcher(
    RegistryService.RegistryServiceClient registry, ILogger<RegistryWatcher> logger, TimeProvider time, TimeSpan? retryDelay = null)
    : BackgroundService, Following.IPartnerSnapshots
{
    private readonly TimeSpan _retryDelay = retryDelay ?? TimeSpan.FromSeconds(2);
    private readonly Lock _gate = new();
    private readonly List<(ulong Revision, TaskCompletionSource<PartnerSnapshot> Waiter)> _waiters = [];
    private PartnerSnapshot _current = PartnerSnapshot.Empty;
    private CancellationTokenSource _changed = new();

    public PartnerSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Fires once, when the next snapshot replaces the current one; ask again for the one after.</summary>
    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    /// <summary>Completes with the first snapshot at or past <paramref name="revision"/>.</summary>
    public Task<PartnerSnapshot> WaitForRevisionAsync(ulong revision, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_current.Revision >= revision && _current != PartnerSnapshot.Empty)
            {
                return Task.FromResult(_current);
            }

            var waiter = new TaskCompletionSource<PartnerSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((revision, waiter));
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _changed.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var call = registry.WatchPartners(new WatchPartnersRequest { AfterRevision = Current.Revision }, cancellationToken: stoppingToken);
                await foreach (var response in call.ResponseStream.ReadAllAsync(stoppingToken))
                {
                    Replace(PartnerSnapshot.From(response.Snapshot));
                }
            }
            catch (RpcException exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogUnreachable(logger, exception.StatusCode, Current.Revision);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(_retryDelay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Replace(PartnerSnapshot snapshot)
    {
        CancellationTokenSource previous;
        List<TaskCompletionSource<PartnerSnapshot>> reached;
        lock (_gate)
        {
            if (snapshot.Revision < _current.Revision)
            {
                return;
            }

            Volatile.Write(ref _current, snapshot);
            previous = _changed;
            _changed = new CancellationTokenSource();
            reached = [.. _waiters.Where(w => w.Revision <= snapshot.Revision).Select(w => w.Waiter)];
            _waiters.RemoveAll(w => w.Revision <= snapshot.Revision);
        }

        LogReplaced(logger, snapshot.Revision, snapshot.Partners.Count);
        previous.Cancel();
        previous.Dispose();
        foreach (var waiter in reached)
        {
            waiter.TrySetResult(snapshot);
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Registry snapshot at revision {Revision}: {Count} partners")]
    private static partial void LogReplaced(ILogger logger, ulong revision, int count);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "The registry cannot be followed ({Status}); keeping the snapshot at revision {Revision} and trying again")]
    private static partial void LogUnreachable(ILogger logger, StatusCode status, ulong revision);
}
