using Exchange.ServiceDefaults.Security;

namespace Exchange.Gateway.Security;

/// <summary>
/// A call the gateway let through: its rule, the caller its token proved (none for a health check), and the
/// holder it is about (none for the index or the ledger). Later steps read it from <c>HttpContext.Items</c>.
/// </summary>
public sealed record GatewayCall(RpcRule Rule, VerifiedCaller? Caller, string? Holder)
{
    public static GatewayCall? Of(HttpContext context) => context.Items[typeof(GatewayCall)] as GatewayCall;
}
