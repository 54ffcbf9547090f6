using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// Decides whether a verified caller may make a call, from the call's rule in <see cref="RpcPermissions"/>.
/// The gateway and the services decide with this same code, so they cannot disagree.
/// </summary>
public static class CallerAuthorization
{
    /// <summary>
    /// Null when the call is allowed; otherwise the refusal. <paramref name="holderValues"/> are the call's
    /// "exchange-holder" metadata values as sent; <paramref name="holder"/> is the holder the call is about
    /// under the rule (null for a call that names none).
    /// </summary>
    public static RpcDenial? Authorize(RpcRule? rule, VerifiedCaller caller, IReadOnlyList<string> holderValues, out string? holder)
    {
        holder = null;
        if (rule is null || rule.Exposure != RpcExposure.Partner)
        {
            return NotExposed();
        }

        if (rule.Scope is not null && !caller.HasScope(rule.Scope))
        {
            return RpcDenial.PermissionDenied(ReasonCodes.ScopeMissing, $"The access token lacks the scope {rule.Scope} that {rule.Path} needs.");
        }

        if (rule.Domains.Count > 0 && !rule.Domains.Contains(caller.Domain))
        {
            return RpcDenial.PermissionDenied(
                ReasonCodes.DomainNotAllowed, $"Only {string.Join(" or ", rule.Domains.Select(DomainNames.ToName))} organisations may call {rule.Path}.");
        }

        // A call about no holder ignores the metadata (the gateway drops it): only a holder that matters is checked.
        string? named = null;
        if (rule.Holder != HolderRule.None && ReadHolder(holderValues, out named) is { } malformed)
        {
            return malformed;
        }

        switch (rule.Holder)
        {
            case HolderRule.Required when named is null:
                return RpcDenial.InvalidArgument(ExchangeHeaders.Holder, $"{rule.Path} asks another organisation: name it in this metadata");
            case HolderRule.Required:
                holder = named;
                return null;
            case HolderRule.Caller when named is not null && !string.Equals(named, caller.OrganisationId, StringComparison.Ordinal):
                return RpcDenial.PermissionDenied(
                    ReasonCodes.HolderNotCaller, $"{rule.Path} acts for the calling organisation only; do not name another holder.");
            case HolderRule.Caller:
                holder = caller.OrganisationId;
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The one organisation id an "exchange-holder" metadata names, or a refusal when it is given more than once
    /// or is not an organisation id (ids are lower-case and compared exactly, everywhere).
    /// </summary>
    public static RpcDenial? ReadHolder(IReadOnlyList<string> values, out string? holder)
    {
        holder = null;
        if (values.Count == 0 || (values.Count == 1 && values[0].Length == 0))
        {
            return null;
        }

        if (values.Count > 1 || values[0].Contains(',', StringComparison.Ordinal))
        {
            return RpcDenial.InvalidArgument(ExchangeHeaders.Holder, "give the holder once");
        }

        if (!OrganisationIds.IsWellFormed(values[0]))
        {
            return RpcDenial.InvalidArgument(ExchangeHeaders.Holder, "must be " + OrganisationIds.Format);
        }

        holder = values[0];
        return null;
    }

    /// <summary>The refusal of an RPC that partners cannot reach (internal, operational or unknown).</summary>
    public static RpcDenial NotExposed() =>
        RpcDenial.PermissionDenied(ReasonCodes.RpcNotExposed, "This RPC is not offered to partners.");
}
