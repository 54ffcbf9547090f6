using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// Decides whether an exchange service may make an internal call, from the RPC's <c>internal_callers</c>: the
/// caller's verified service role must be granted, and under <c>HOLDER_RULE_CALLER</c> every holder the request
/// names at the grant's <c>holder_field</c> must be an organisation the caller acts for (a node decides and logs
/// only for itself as holder).
/// </summary>
public static class InternalAuthorization
{
    public static RpcDenial? Authorize(RpcRule rule, VerifiedCaller caller, IMessage? request)
    {
        if (!caller.HasScope(ExchangeScopes.Internal) || caller.Service == ServiceRole.Unspecified)
        {
            return RpcDenial.PermissionDenied(ReasonCodes.RpcNotExposed, $"{rule.Path} is for exchange services only.");
        }

        var grant = (rule.InternalCallers ?? []).FirstOrDefault(g => g.Service == caller.Service);
        if (grant is null)
        {
            return RpcDenial.PermissionDenied(ReasonCodes.RpcNotExposed, $"{rule.Path} is not offered to the {ServiceRoles.ToName(caller.Service)} service.");
        }

        if (grant.Holder != HolderRule.Caller)
        {
            return null;
        }

        if (request is null)
        {
            return RpcDenial.PermissionDenied(ReasonCodes.HolderNotCaller, $"{rule.Path} names its holder in a request this call does not carry.");
        }

        var holders = Values(request, grant.HolderField.Split('.'));
        return holders.Count > 0 && holders.All(caller.ActsFor.Contains)
            ? null
            : RpcDenial.PermissionDenied(ReasonCodes.HolderNotCaller, $"{rule.Path}: a service decides and logs only for the organisations it acts for.");
    }

    /// <summary>The string values at a dotted path, through singular and repeated messages; an unset message gives none.</summary>
    public static IReadOnlyList<string> Values(IMessage message, ReadOnlySpan<string> path)
    {
        var field = message.Descriptor.FindFieldByName(path[0])
            ?? throw new InvalidOperationException($"{message.Descriptor.FullName} has no field '{path[0]}' (an internal_callers holder_field).");
        var value = field.Accessor.GetValue(message);
        IEnumerable<object> items = field.IsRepeated ? ((System.Collections.IEnumerable)value).Cast<object>() : value is null ? [] : [value];
        if (path.Length == 1)
        {
            // An empty holder is a holder nobody acts for: it is refused, not skipped.
            return field.FieldType == FieldType.String
                ? [.. items.Cast<string>()]
                : throw new InvalidOperationException($"{field.FullName} is not a string (an internal_callers holder_field).");
        }

        var rest = path[1..].ToArray();
        return [.. items.Cast<IMessage>().SelectMany(m => Values(m, rest))];
    }
}
