using Exchange.ServiceDefaults.Errors;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// Decides whether a verified caller may make a call, from the call's rule in <see cref="RpcPermissions"/>.
/// The gateway and the services decide with this same code, so they cannot disagree.
/// </summary>
public static class CallerAuthorization
{
    /// <summary>Null when the call is allowed; otherwise the refusal.</summary>
    public static RpcDenial? Authorize(RpcRule? rule, VerifiedCaller caller, string? holder)
    {
        if (rule is null || rule.Exposure != RpcExposure.Partner)
        {
            return NotExposed();
        }

        if (rule.Scope is not null && !caller.HasScope(rule.Scope))
        {
            return RpcDenial.PermissionDenied(ReasonCodes.ScopeMissing, $"The access token lacks the scope {rule.Scope} that {rule.Path} needs.");
        }

        if (rule.Domains is { } domains && !domains.Contains(caller.Domain))
        {
            return RpcDenial.PermissionDenied(
                ReasonCodes.DomainNotAllowed, $"Only {string.Join(" and ", domains.Select(DomainNames.ToName))} organisations may call {rule.Path}.");
        }

        if (rule.Holder == HolderRule.Caller && !string.IsNullOrEmpty(holder) && !string.Equals(holder, caller.OrganisationId, StringComparison.Ordinal))
        {
            return RpcDenial.PermissionDenied(
                ReasonCodes.HolderNotCaller, $"{rule.Path} acts for the calling organisation only; do not name another holder.");
        }

        return null;
    }

    /// <summary>The refusal of an RPC that partners cannot reach (internal, operational or unknown).</summary>
    public static RpcDenial NotExposed() =>
        RpcDenial.PermissionDenied(ReasonCodes.RpcNotExposed, "This RPC is not offered to partners.");
}
