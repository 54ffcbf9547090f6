using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Lifecycle;
using Microsoft.Extensions.Options;

namespace Exchange.Policy.Hosting;

/// <summary>Watches the bundle directory while the service runs and logs every reload: activated, or rejected with why.</summary>
public sealed partial class BundleReloadLogger(PolicyEngine engine, IOptions<PolicyOptions> options, ILogger<BundleReloadLogger> logger) : IHostedService, IDisposable
{
    private BundleWatcher? _watcher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var bundle = engine.ActiveBundle;
        LogActive(logger, bundle.Id, bundle.Version, bundle.Hash);
        _watcher = new BundleWatcher(engine, options.Value.BundleDirectory);
        _watcher.Reloaded += (_, activation) => Report(activation);
        _watcher.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        _watcher = null;
        return Task.CompletedTask;
    }

    public void Dispose() => _watcher?.Dispose();

    private void Report(BundleActivation activation)
    {
        switch (activation.Outcome)
        {
            case BundleActivationOutcome.Activated:
                LogActivated(logger, activation.BundleId ?? string.Empty, activation.BundleVersion ?? string.Empty, activation.BundleHash ?? string.Empty);
                break;
            case BundleActivationOutcome.Rejected:
                LogRejected(logger, activation.ActiveHash, string.Join(Environment.NewLine, activation.Errors));
                break;
            case BundleActivationOutcome.Unchanged:
                break;
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Policy bundle {BundleId} {Version} active (hash {Hash})")]
    private static partial void LogActive(ILogger logger, string bundleId, string version, string hash);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Policy bundle reloaded: {BundleId} {Version} active (hash {Hash})")]
    private static partial void LogActivated(ILogger logger, string bundleId, string version, string hash);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Changed policy bundle rejected; bundle {ActiveHash} stays active:\n{Errors}")]
    private static partial void LogRejected(ILogger logger, string activeHash, string errors);
}
