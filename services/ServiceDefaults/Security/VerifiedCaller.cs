using Exchange.Contracts.V1;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// The caller as established from a validated, certificate-bound access token: which organisation,
/// of which domain, through which client, with which scopes.
/// </summary>
public sealed record VerifiedCaller(string OrganisationId, Domain Domain, string ClientId, IReadOnlySet<string> Scopes)
{
    public bool HasScope(string scope) => Scopes.Contains(scope);
}
