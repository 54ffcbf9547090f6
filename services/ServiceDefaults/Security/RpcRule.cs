using Exchange.Contracts.V1;

namespace Exchange.ServiceDefaults.Security;

/// <summary>Who may reach an RPC.</summary>
public enum RpcExposure
{
    /// <summary>Partners call it through the gateway with a certificate-bound token carrying <see cref="RpcRule.Scope"/>.</summary>
    Partner,

    /// <summary>Only exchange services call it; the gateway never routes it.</summary>
    Internal,

    /// <summary>Health probes: no data, no token; the gateway answers its own and routes none.</summary>
    Operational,
}

/// <summary>Whose data the call may name in <c>exchange-holder</c>.</summary>
public enum HolderRule
{
    /// <summary>Any holder (a disclosure request asks another organisation), or none (platform services).</summary>
    Any,

    /// <summary>Only the caller itself: one publishes as, and reads the inbox of, one's own organisation.</summary>
    Caller,
}

/// <summary>
/// The authorization of one RPC, e.g. <c>/police.v1.PoliceSignals/PublishIncident</c>. <see cref="Domains"/>, when
/// set, are the only domains whose organisations may call it. <see cref="Streaming"/> marks a server stream, which
/// the gateway lets run longer than a unary call.
/// </summary>
public sealed record RpcRule(
    string Service, string Method, RpcExposure Exposure, string? Scope = null, IReadOnlyList<Domain>? Domains = null, HolderRule Holder = HolderRule.Any, bool Streaming = false)
{
    /// <summary>The HTTP/2 path of the call, as the gateway and <c>ServerCallContext.Method</c> see it.</summary>
    public string Path => $"/{Service}/{Method}";
}
