using Exchange.Contracts.V1;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// The caller as established from a validated, certificate-bound access token: which organisation,
/// of which domain, through which client, with which scopes, and until when the token is accepted
/// (its expiry plus the tolerated clock skew). An exchange service's own client also names its
/// <see cref="Service"/> role and, for a node, the organisations it acts for.
/// </summary>
public sealed record VerifiedCaller(string OrganisationId, Domain Domain, string ClientId, IReadOnlySet<string> Scopes, DateTimeOffset ValidUntil = default)
{
    /// <summary>Unspecified for a partner's or a person's client.</summary>
    public ServiceRole Service { get; init; } = ServiceRole.Unspecified;

    /// <summary>A node's organisations: the holders it may decide and log for.</summary>
    public IReadOnlySet<string> ActsFor { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public bool HasScope(string scope) => Scopes.Contains(scope);
}
