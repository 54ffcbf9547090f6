using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Lifecycle;

/// <summary>
/// Watches a bundle directory and hot-reloads it: after the files have been quiet for the debounce interval (an
/// editor's save is several events), the engine tries to activate the directory's bundle. Every attempt is
/// reported through <see cref="Reloaded"/>: activated, unchanged, or rejected with its errors while the
/// previous bundle stays active.
/// </summary>
public sealed class BundleWatcher : IDisposable
{
    private readonly PolicyEngine _engine;
    private readonly string _directory;
    private readonly Func<BundleSource> _compose;
    private readonly TimeSpan _debounce;
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _timer;
    private readonly Lock _reload = new();
    private bool _disposed;

    public BundleWatcher(PolicyEngine engine, string directory, TimeSpan? debounce = null)
        : this(engine, directory, () => BundleSource.FromDirectory(directory), debounce)
    {
    }

    /// <summary>Watches <paramref name="directory"/>, and activates what <paramref name="compose"/> makes of it (the directory and what the host adds).</summary>
    public BundleWatcher(PolicyEngine engine, string directory, Func<BundleSource> compose, TimeSpan? debounce = null)
    {
        _engine = engine;
        _directory = directory;
        _compose = compose;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(500);
        _timer = new Timer(_ => ReloadAndReport(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Deleted += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();

        // Lost events (a full buffer) mean the directory may have changed in ways we did not see.
        _watcher.Error += (_, _) => Schedule();
    }

    /// <summary>Raised on the timer's thread after every reload attempt.</summary>
    public event EventHandler<BundleActivation>? Reloaded;

    public void Start() => _watcher.EnableRaisingEvents = true;

    /// <summary>Tries to activate the directory's bundle now; what a debounced change does, for a host's reload command.</summary>
    public BundleActivation ReloadNow()
    {
        lock (_reload)
        {
            return _engine.TryActivate(_compose, _directory);
        }
    }

    public void Dispose()
    {
        lock (_reload)
        {
            _disposed = true;
        }

        _watcher.Dispose();
        _timer.Dispose();
    }

    private void Schedule()
    {
        try
        {
            if (!_disposed)
            {
                _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // An event that raced Dispose: there is nothing left to reload.
        }
    }

    private void ReloadAndReport()
    {
        if (_disposed)
        {
            return;
        }

        var activation = ReloadNow();
        Reloaded?.Invoke(this, activation);
    }
}
