using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Lifecycle;
using Exchange.Policy.Registry;
using Exchange.Registry.Client.Following;
using Microsoft.Extensions.Primitives;

namespace Exchange.Policy.Hosting;

/// <summary>
/// Watches the bundle directory, and the partner registry when the service follows it, while the service runs,
/// and logs every reload: activated, or rejected with why.
/// </summary>
public sealed partial class BundleReloadLogger(PolicyEngine engine, RegistryBundle source, ILogger<BundleReloadLogger> logger, IPartnerSnapshots? snapshots = null)
    : IHostedService, IDisposable
{
    private BundleWatcher? _watcher;
    private IDisposable? _registry;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var bundle = engine.ActiveBundle;
        LogActive(logger, bundle.Id, bundle.Version, bundle.Hash);
        var watcher = new BundleWatcher(engine, source.Directory, source.Compose);
        watcher.Reloaded += (_, activation) => Report(activation);
        watcher.Start();
        _watcher = watcher;
        if (snapshots is not null)
        {
            // A changed registry changes the signatures: activate the bundle with them now (its tests run again first).
            _registry = ChangeToken.OnChange(snapshots.GetChangeToken, () => Report(watcher.ReloadNow()));
            Report(watcher.ReloadNow());
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        _watcher = null;
        _registry = null;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _registry?.Dispose();
        _watcher?.Dispose();
    }

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
