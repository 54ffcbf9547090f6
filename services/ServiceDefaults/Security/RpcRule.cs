using Exchange.Contracts.V1;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// The authorization of one RPC, e.g. <c>/police.v1.PoliceSignals/PublishIncident</c>, as its contract declares it
/// (<c>exchange.v1.access</c>, see protos/exchange/v1/access.proto). <see cref="Streaming"/> marks a server
/// stream, which the gateway lets run longer than a unary call and ends when its caller's credentials lapse.
/// </summary>
public sealed record RpcRule(
    string Service,
    string Method,
    RpcExposure Exposure,
    string? Scope = null,
    IReadOnlyList<Domain>? CallerDomains = null,
    HolderRule Holder = HolderRule.None,
    bool Streaming = false,
    bool ClientStreaming = false,
    IReadOnlyList<InternalGrant>? InternalCallers = null)
{
    /// <summary>The HTTP/2 path of the call, as the gateway and <c>ServerCallContext.Method</c> see it.</summary>
    public string Path => $"/{Service}/{Method}";

    /// <summary>The domains whose organisations may call it; empty means every domain.</summary>
    public IReadOnlyList<Domain> Domains => CallerDomains ?? [];
}
