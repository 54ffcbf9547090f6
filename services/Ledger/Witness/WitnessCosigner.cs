using System.Net;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Hosting;
using Microsoft.Extensions.Logging;

namespace Exchange.Ledger.Witness;

/// <summary>What one round of cosigning did with one witness.</summary>
public enum CosignResult
{
    /// <summary>The witness already cosigned the latest checkpoint; nothing was sent.</summary>
    UpToDate,

    /// <summary>The witness cosigned the latest checkpoint and the cosignature is stored.</summary>
    Cosigned,

    /// <summary>The witness refuses: the ledger's history does not extend what it cosigned before (a rollback or a fork).</summary>
    Refused,

    /// <summary>The witness could not be reached, answered something else, or its answer did not verify: tried again later.</summary>
    Failed,
}

/// <summary>
/// Keeps the ledger's witnesses up to date, after the fact: it offers each witness the latest stored checkpoint with the
/// consistency proof from the size that witness cosigned last, checks the cosignature with the witness's key, and
/// stores it (<c>ledger_cosignatures</c>) through the ledger's writer. It runs beside the appends, never in their path:
/// a witness that is down, slow or refusing delays nothing and fails nothing; the checkpoint simply stays without its
/// cosignature, which <c>exchange ledger verify --witness-key</c> shows.
/// </summary>
public sealed partial class WitnessCosigner : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly List<Target> _targets;
    private readonly ILogger _logger;

    public WitnessCosigner(IEnumerable<LedgerWitnessOptions> witnesses, ILogger logger)
    {
        _targets = [.. witnesses.Select(w => new Target(WitnessKey.NameOf(w.VerifierKey), w.VerifierKey, w.Address!))];
        _logger = logger;
    }

    /// <summary>Offers the ledger's latest stored checkpoint to every witness that has not cosigned it; never throws for a witness's failure.</summary>
    public async Task<IReadOnlyList<(string Witness, CosignResult Result)>> CosignAsync(DisclosureLedger ledger, CancellationToken cancellationToken)
    {
        var results = new List<(string, CosignResult)>(_targets.Count);
        if (ledger.LatestCheckpoint is not { } checkpoint)
        {
            return results;
        }

        foreach (var target in _targets)
        {
            results.Add((target.Name, await CosignAsync(ledger, target, checkpoint, cancellationToken)));
        }

        return results;
    }

    private async Task<CosignResult> CosignAsync(DisclosureLedger ledger, Target target, SignedCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (target.CosignedSize >= checkpoint.TreeSize)
        {
            return CosignResult.UpToDate;
        }

        WitnessOutcome outcome;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            outcome = await WitnessSubmission.SubmitAsync(target.Client, checkpoint, old => ledger.ProveConsistency(old, checkpoint.TreeSize), timeout.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // An exchange service speaks h2c; a witness run elsewhere (exchange ledger witness) may speak HTTP/1.1 only.
            target.SwitchProtocol();
            return target.Report(CosignResult.Failed, checkpoint.TreeSize, () => LogUnreachable(_logger, target.Name, checkpoint.TreeSize));
        }

        if (outcome.Refused)
        {
            return target.Report(CosignResult.Refused, checkpoint.TreeSize,
                () => LogRefused(_logger, target.Name, checkpoint.TreeSize, outcome.Status, outcome.Answer.Trim()));
        }

        var cosigned = checkpoint.Note + outcome.Answer;
        if (!outcome.Cosigned || !WitnessKey.HasCosignature(cosigned, target.VerifierKey))
        {
            return target.Report(CosignResult.Failed, checkpoint.TreeSize, () => LogUnexpected(_logger, target.Name, checkpoint.TreeSize, outcome.Status));
        }

        try
        {
            await ledger.StoreCosignatureAsync(target.Name, checkpoint, cosigned, cancellationToken);
        }
        catch (LedgerUnavailableException)
        {
            return target.Report(CosignResult.Failed, checkpoint.TreeSize, () => LogNotStored(_logger, target.Name, checkpoint.TreeSize));
        }

        target.CosignedSize = checkpoint.TreeSize;
        return target.Report(CosignResult.Cosigned, checkpoint.TreeSize, () => LogCosigned(_logger, target.Name, checkpoint.TreeSize));
    }

    public void Dispose()
    {
        foreach (var target in _targets)
        {
            target.Dispose();
        }
    }

    [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "Witness {Witness} cosigned the ledger's checkpoint for tree size {TreeSize}")]
    private static partial void LogCosigned(ILogger logger, string witness, ulong treeSize);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning,
        Message = "Witness {Witness} could not be reached to cosign tree size {TreeSize}; the checkpoint stays without its cosignature until it can")]
    private static partial void LogUnreachable(ILogger logger, string witness, ulong treeSize);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Error,
        Message = "Witness {Witness} refuses to cosign tree size {TreeSize} ({Status} {Answer}): the ledger's history does not extend what it cosigned before; run 'exchange ledger verify'")]
    private static partial void LogRefused(ILogger logger, string witness, ulong treeSize, int status, string answer);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning,
        Message = "Witness {Witness} answered {Status} for tree size {TreeSize} without a cosignature that verifies with its key")]
    private static partial void LogUnexpected(ILogger logger, string witness, ulong treeSize, int status);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Warning, Message = "The cosignature of witness {Witness} for tree size {TreeSize} could not be stored; retrying")]
    private static partial void LogNotStored(ILogger logger, string witness, ulong treeSize);

    /// <summary>One witness: its clients (h2c first, HTTP/1.1 after a failure), what it cosigned, what was last logged.</summary>
    private sealed class Target(string name, string verifierKey, Uri address) : IDisposable
    {
        private readonly HttpClient[] _clients = [Create(address, HttpVersion.Version20), Create(address, HttpVersion.Version11)];
        private int _protocol;
        private (CosignResult Result, ulong TreeSize)? _logged;

        public string Name { get; } = name;

        public string VerifierKey { get; } = verifierKey;

        public ulong CosignedSize { get; set; }

        public HttpClient Client => _clients[_protocol];

        public void SwitchProtocol() => _protocol = 1 - _protocol;

        /// <summary>Logs a result once, not at every round: a witness that is down for an hour is one warning, not 720.</summary>
        public CosignResult Report(CosignResult result, ulong treeSize, Action log)
        {
            if (result == CosignResult.Cosigned || _logged?.Result != result)
            {
                log();
            }

            _logged = (result, treeSize);
            return result;
        }

        public void Dispose()
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        private static HttpClient Create(Uri address, Version version) => new()
        {
            BaseAddress = new Uri(address.ToString().TrimEnd('/') + "/"),
            DefaultRequestVersion = version,
            // Over plain http, HTTP/2 only with prior knowledge; over https ALPN settles it.
            DefaultVersionPolicy = address.Scheme == Uri.UriSchemeHttps ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact,
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }
}
