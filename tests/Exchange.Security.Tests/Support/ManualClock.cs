namespace Exchange.Security.Tests.Support;

/// <summary>A clock the test moves: rotations and lockouts measured in days happen in a moment.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
