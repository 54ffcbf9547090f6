using Exchange.ServiceDefaults.Errors;
using Grpc.Core;

namespace Exchange.ServiceDefaults.Identity;

/// <summary>The organisation a call comes from, as verified at the gateway.</summary>
public sealed record CallerIdentity(string OrganisationId)
{
    /// <summary>Reads the verified caller, or answers <c>Unauthenticated</c> when there is none.</summary>
    public static CallerIdentity From(ServerCallContext context)
    {
        var organisation = context.RequestHeaders.GetValue(ExchangeHeaders.Organisation);
        if (string.IsNullOrWhiteSpace(organisation))
        {
            RpcErrors.Unauthenticated(ReasonCodes.Unauthenticated, "The call carries no verified organisation.");
        }

        return new CallerIdentity(organisation);
    }

    /// <summary>The holder named in the call, defaulting to the caller itself.</summary>
    public static string HolderOf(ServerCallContext context, CallerIdentity caller)
    {
        var holder = context.RequestHeaders.GetValue(ExchangeHeaders.Holder);
        return string.IsNullOrWhiteSpace(holder) ? caller.OrganisationId : holder;
    }
}
