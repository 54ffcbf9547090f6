namespace Exchange.System.Tests.Faults;

/// <summary>What every fault test shares: generous waits for a loaded machine, and a gateway that lets a burst through.</summary>
internal static class FaultSettings
{
    /// <summary>How long a test waits for anything to happen before it fails: minutes would hide a hang, seconds would flake.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>How long a killed service stays away: long enough for a default gRPC reconnect backoff to pass 5 s.</summary>
    public static readonly TimeSpan Outage = TimeSpan.FromSeconds(12);

    /// <summary>The gateway's per-partner rate limit would answer a burst with RESOURCE_EXHAUSTED; the faults are behind it.</summary>
    public static readonly IReadOnlyDictionary<string, string?> NoRateLimit = new Dictionary<string, string?>
    {
        ["Gateway:RateLimit:PermitsPerSecond"] = "100000",
        ["Gateway:RateLimit:Burst"] = "200000",
    };
}
