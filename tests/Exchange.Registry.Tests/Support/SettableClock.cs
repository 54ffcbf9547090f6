namespace Exchange.Registry.Tests.Support;

/// <summary>A clock the test moves by hand.</summary>
public sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
