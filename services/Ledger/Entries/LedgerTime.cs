using Google.Protobuf.WellKnownTypes;

namespace Exchange.Ledger.Entries;

/// <summary>
/// Ledger times are whole microseconds since the Unix epoch: both stores hold that exactly, so the
/// indexed time column and the time inside the hashed bytes can never disagree by rounding.
/// </summary>
public static class LedgerTime
{
    public static Timestamp Now(TimeProvider clock) => FromUnixMicroseconds(ToUnixMicroseconds(clock.GetUtcNow()));

    public static long ToUnixMicroseconds(Timestamp timestamp) => (timestamp.Seconds * 1_000_000) + (timestamp.Nanos / 1000);

    public static long ToUnixMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static Timestamp FromUnixMicroseconds(long micros) => new()
    {
        Seconds = Math.DivRem(micros, 1_000_000, out var rest) - (rest < 0 ? 1 : 0),
        Nanos = (int)(((rest % 1_000_000) + 1_000_000) % 1_000_000 * 1000),
    };
}
