using Exchange.Ledger.Grpc;
using Exchange.Ledger.Officers;
using Exchange.Disclosure.Pseudonyms;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Exchange.Ledger.Hosting;

public static class LedgerHostingExtensions
{
    /// <summary>
    /// Registers the disclosure ledger: <see cref="LedgerOptions"/> bound from <paramref name="section"/>
    /// and validated at start, an <see cref="IDisclosureLedger"/> singleton opened at start-up (the host
    /// does not start when the ledger cannot open or does not verify against its latest checkpoint),
    /// periodic checkpoint signing, and a final checkpoint and drain of the writer on shutdown.
    /// </summary>
    public static IServiceCollection AddDisclosureLedger(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<LedgerOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LedgerOptions>, LedgerOptionsValidator>();
        services.AddSingleton<LedgerHost>();
        services.AddSingleton<IDisclosureLedger, HostedDisclosureLedger>();
        services.AddHostedService(sp => sp.GetRequiredService<LedgerHost>());
        services.AddHostedService<CosignerHost>();
        services.AddGrpc();

        // The privacy officers' access: their tokens (from the host's Tokens settings, audience exchange-console),
        // their own organisation's pseudonyms (Pseudonyms settings), overview, signals and verification.
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PseudonymOptions>().BindConfiguration(PseudonymOptions.Section);
        services.AddSingleton<OfficerPseudonyms>();
        services.AddSingleton<OfficerLedger>();
        services.AddSingleton<OfficerOverview>();
        services.AddSingleton<SignalDetector>();
        services.AddSingleton<VerificationRunner>();
        services.TryAddSingleton<IOfficerAuthenticator, OfficerTokenAuthenticator>();
        services.AddAuthentication().AddJwtBearer(OfficerTokenAuthenticator.Scheme, _ => { });
        services.AddOptions<JwtBearerOptions>(OfficerTokenAuthenticator.Scheme)
            .Configure<IConfiguration>(OfficerTokenAuthenticator.Configure);
        return services;
    }

    /// <summary>
    /// Maps <c>ledger.v1.LedgerService</c> and <c>ledger.v1.OfficerService</c>; add authorization on the
    /// returned builder (the ledger service's).
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapDisclosureLedger(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<OfficerGrpcService>();
        return endpoints.MapGrpcService<LedgerGrpcService>();
    }
}

/// <summary>
/// The injectable ledger. It forwards to the ledger the host opened at start-up and can therefore be
/// injected anywhere, also into services constructed before the hosted services start; a call made
/// before the ledger is open fails closed with <see cref="LedgerUnavailableException"/>.
/// </summary>
internal sealed class HostedDisclosureLedger(LedgerHost host) : IDisclosureLedger
{
    private DisclosureLedger Ledger => host.TryGetLedger() ?? throw new LedgerUnavailableException("The disclosure ledger is not open.");

    public string Origin => Ledger.Origin;

    public string VerifierKey => Ledger.VerifierKey;

    public ulong Size => Ledger.Size;

    public ValueTask<IReadOnlyList<ulong>> AppendAsync(IReadOnlyList<Contracts.Ledger.V1.LedgerEntry> entries, CancellationToken cancellationToken) =>
        Ledger.AppendAsync(entries, cancellationToken);

    public ValueTask<LedgerAppend> AppendWithCheckpointAsync(IReadOnlyList<Contracts.Ledger.V1.LedgerEntry> entries, CancellationToken cancellationToken) =>
        Ledger.AppendWithCheckpointAsync(entries, cancellationToken);

    public Task<Checkpoints.SignedCheckpoint> CheckpointAsync(CancellationToken cancellationToken) => Ledger.CheckpointAsync(cancellationToken);

    public InclusionProof ProveInclusion(ulong sequence, ulong treeSize) => Ledger.ProveInclusion(sequence, treeSize);

    public IReadOnlyList<byte[]> ProveConsistency(ulong firstTreeSize, ulong secondTreeSize) =>
        Ledger.ProveConsistency(firstTreeSize, secondTreeSize);

    public byte[] RootAt(ulong treeSize) => Ledger.RootAt(treeSize);

    public Task<IReadOnlyList<EncodedEntry>> ReadEntriesAsync(ulong fromSequence, int limit, CancellationToken cancellationToken) =>
        Ledger.ReadEntriesAsync(fromSequence, limit, cancellationToken);

    public Task<Query.LedgerPage> QueryAsync(Query.LedgerQuery query, CancellationToken cancellationToken) =>
        Ledger.QueryAsync(query, cancellationToken);
}

/// <summary>Offers the ledger's checkpoints to its witnesses every <see cref="LedgerOptions.CosignInterval"/>; idle without witnesses.</summary>
internal sealed class CosignerHost(LedgerHost host, IOptions<LedgerOptions> options, ILogger<Witness.WitnessCosigner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Witnesses.Count == 0)
        {
            return;
        }

        using var cosigner = new Witness.WitnessCosigner(options.Value.Witnesses, logger);
        using var timer = new PeriodicTimer(options.Value.CosignInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (host.TryGetLedger() is { } ledger)
                {
                    await cosigner.CosignAsync(ledger, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; a checkpoint not yet cosigned is offered again at the next start.
        }
    }
}

/// <summary>Opens the ledger before the host serves, signs checkpoints while it runs, and closes it cleanly.</summary>
internal sealed partial class LedgerHost(IOptions<LedgerOptions> options, ILogger<LedgerHost> logger, TimeProvider? clock = null)
    : BackgroundService, IAsyncDisposable
{
    private DisclosureLedger? _ledger;

    public DisclosureLedger Ledger => _ledger ?? throw new LedgerUnavailableException("The disclosure ledger is not open.");

    public DisclosureLedger? TryGetLedger() => Volatile.Read(ref _ledger);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Opened here, before the server starts listening: no decision can be answered without it.
        _ledger = await DisclosureLedger.OpenAsync(options.Value, logger, clock ?? TimeProvider.System, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_ledger is not null)
        {
            try
            {
                await _ledger.CheckpointAsync(cancellationToken);
            }
            catch (LedgerUnavailableException)
            {
                LogFinalCheckpointFailed(logger);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host's shutdown time ran out before the last checkpoint was signed: the entries are durable
                // regardless, and the next start signs them. Closing the store cleanly matters more.
                LogFinalCheckpointFailed(logger);
            }

            await _ledger.DisposeAsync();
            _ledger = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ledger is not null)
        {
            await _ledger.DisposeAsync();
            _ledger = null;
        }

        Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var ledger = Ledger;
                if (ledger.LatestCheckpoint?.TreeSize != ledger.Size)
                {
                    try
                    {
                        await ledger.CheckpointAsync(stoppingToken);
                    }
                    catch (LedgerUnavailableException)
                    {
                        LogPeriodicCheckpointFailed(logger);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync signs the final checkpoint.
        }
    }

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Periodic ledger checkpoint failed; retrying at the next interval")]
    private static partial void LogPeriodicCheckpointFailed(ILogger logger);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Final ledger checkpoint at shutdown failed")]
    private static partial void LogFinalCheckpointFailed(ILogger logger);
}
