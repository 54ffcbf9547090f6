using Microsoft.Extensions.Options;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>
/// What a service derives from its options (a directory, a catalogue), built once per options value and replaced
/// whole when the options change, so that a call reads one consistent value without locking.
/// </summary>
public sealed class LiveSnapshot<TOptions, T> : IDisposable
    where T : class
{
    private readonly IDisposable? _subscription;
    private volatile T _current;

    public LiveSnapshot(IOptionsMonitor<TOptions> options, Func<TOptions, T> build)
    {
        _current = build(options.CurrentValue);
        _subscription = options.OnChange(o => _current = build(o));
    }

    public T Current => _current;

    public void Dispose() => _subscription?.Dispose();
}
