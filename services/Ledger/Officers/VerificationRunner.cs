using System.Runtime.CompilerServices;
using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Hosting;
using Exchange.Ledger.Verification;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Exchange.Ledger.Officers;

/// <summary>
/// "Verify now": the full verification `exchange ledger verify` runs, on the live store, in the
/// background, one at a time, with progress. The result stays until the next run.
/// </summary>
public sealed partial class VerificationRunner(IServiceProvider services, TimeProvider time, ILogger<VerificationRunner> logger)
{
    private readonly Lock _gate = new();
    private VerificationStatus _status = new() { State = VerificationState.NeverRun };
    private long _checked;

    public VerificationStatus Status
    {
        get
        {
            lock (_gate)
            {
                var status = _status.Clone();
                if (status.State == VerificationState.Running)
                {
                    status.EntriesChecked = (ulong)Interlocked.Read(ref _checked);
                }

                return status;
            }
        }
    }

    /// <summary>Every stored checkpoint note, by tree size.</summary>
    public async Task<IReadOnlyList<string>> CheckpointNotesAsync(CancellationToken cancellationToken) =>
        [.. (await services.GetRequiredService<LedgerHost>().Ledger.Store.ReadCheckpointsAsync(cancellationToken)).Select(c => c.Note)];

    /// <summary>Starts a verification unless one is running; returns the status either way.</summary>
    public VerificationStatus Start() => Start([]);

    /// <summary>
    /// Starts a verification, also against checkpoints held elsewhere (<paramref name="trusted"/>, as `verify
    /// --trusted-checkpoint`), unless one is running; returns the status either way.
    /// </summary>
    public VerificationStatus Start(IReadOnlyList<TrustedCheckpoint> trusted)
    {
        var ledger = services.GetRequiredService<LedgerHost>().Ledger;
        lock (_gate)
        {
            if (_status.State == VerificationState.Running)
            {
                return _status.Clone();
            }

            Interlocked.Exchange(ref _checked, 0);
            _status = new VerificationStatus
            {
                State = VerificationState.Running,
                EntriesTotal = ledger.Size,
                StartedAt = OfficerLedger.Stamp(time.GetUtcNow()),
                TrustedCheckpoints = (uint)trusted.Count,
            };
        }

        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        _ = Task.Run(() => RunAsync(ledger, new VerificationOptions(trusted), stopping), CancellationToken.None);
        return Status;
    }

    private async Task RunAsync(DisclosureLedger ledger, VerificationOptions options, CancellationToken cancellationToken)
    {
        VerificationStatus finished;
        try
        {
            var report = await LedgerVerifier.VerifyStoreAsync(ledger.Store, ledger.VerifierKey, options, cancellationToken,
                rows => Counted(rows, cancellationToken));
            finished = new VerificationStatus
            {
                State = report.Succeeded ? VerificationState.Succeeded : VerificationState.Failed,
                EntriesChecked = report.EntriesVerified,
                CheckpointsVerified = (uint)report.CheckpointsVerified,
                RootHash = ByteString.CopyFrom(report.RootHash),
                Failure = report.Failure ?? string.Empty,
                TrustedCheckpointsVerified = (uint)report.TrustedCheckpointsVerified,
            };
            if (report.FirstBadSequence is { } bad)
            {
                finished.FirstBadSequence = bad;
            }

            LogFinished(logger, report.Succeeded, report.EntriesVerified);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The store could not be read to the end: that is no success. The log has the type only.
            LogFailed(logger, exception.GetType().Name);
            finished = new VerificationStatus
            {
                State = VerificationState.Failed,
                EntriesChecked = (ulong)Interlocked.Read(ref _checked),
                Failure = "the ledger could not be read to the end; see the service log",
            };
        }

        lock (_gate)
        {
            finished.EntriesTotal = _status.EntriesTotal;
            finished.TrustedCheckpoints = _status.TrustedCheckpoints;
            finished.StartedAt = _status.StartedAt;
            finished.FinishedAt = OfficerLedger.Stamp(time.GetUtcNow());
            _status = finished;
        }
    }

    private async IAsyncEnumerable<VerifiableEntry> Counted(
        IAsyncEnumerable<VerifiableEntry> entries, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            Interlocked.Increment(ref _checked);
            yield return entry;
        }
    }

    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "Ledger verification on request finished: succeeded {Succeeded}, {Entries} entries")]
    private static partial void LogFinished(ILogger logger, bool succeeded, ulong entries);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Error, Message = "Ledger verification on request could not finish ({ExceptionType})")]
    private static partial void LogFailed(ILogger logger, string exceptionType);
}
