using Exchange.ServiceDefaults.Security;
using OpenIddict.Abstractions;

namespace Exchange.Identity;

/// <summary>The scopes this identity service knows and which audience each grants access to.</summary>
public static class IdentityScopes
{
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(
        [.. ExchangeScopes.All, OpenIddictConstants.Scopes.OpenId, OpenIddictConstants.Scopes.Profile], StringComparer.Ordinal);
}
