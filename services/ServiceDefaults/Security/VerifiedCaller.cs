using Exchange.Contracts.V1;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// The caller as established from a validated, certificate-bound access token: which organisation,
/// of which domain, through which client, with which scopes, and until when the token is accepted
/// (its expiry plus the tolerated clock skew).
/// </summary>
public sealed record VerifiedCaller(string OrganisationId, Domain Domain, string ClientId, IReadOnlySet<string> Scopes, DateTimeOffset ValidUntil = default)
{
    public bool HasScope(string scope) => Scopes.Contains(scope);
}
