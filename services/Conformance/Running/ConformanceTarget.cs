using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.V1;

namespace Exchange.Conformance.Running;

/// <summary>
/// An organisation the kit acts for, as the gateway would forward it: its certificate (whose SHA-256 the gateway
/// passes on) and an access token bound to that certificate.
/// </summary>
public sealed class CallerCredentials(string organisationId, X509Certificate2 certificate, Func<CancellationToken, Task<string>> accessToken)
{
    public string OrganisationId { get; } = organisationId;

    public X509Certificate2 Certificate { get; } = certificate;

    public string CertificateSha256 { get; } = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));

    public Task<string> AccessTokenAsync(CancellationToken cancellationToken) => accessToken(cancellationToken);
}

/// <summary>
/// What a conformance run tests and with what: the node (its endpoint, the organisation it holds data for, its
/// domain, the server certificate it is registered with) and the credentials the kit calls it with. A check
/// that needs credentials the run was not given is skipped, saying which; a skipped check of failure severity
/// means the run does not pass.
/// </summary>
public sealed record ConformanceTarget
{
    /// <summary>The node's endpoint: https for a partner-hosted node; http only for the exchange's own node on loopback.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The organisation whose data the node holds.</summary>
    public required string HolderOrganisationId { get; init; }

    public required Domain Domain { get; init; }

    /// <summary>The exchange CA: the node's server certificate must chain to it.</summary>
    public required X509Certificate2 Ca { get; init; }

    /// <summary>The SHA-256 (hex) of the server certificate the registry holds for the node; the node must present exactly that one.</summary>
    public string? RegisteredServerCertificateSha256 { get; init; }

    /// <summary>A client certificate to present to the node, when it requires one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The node's own organisation: publishes the kit's test records and reads its inbox.</summary>
    public CallerCredentials? Holder { get; init; }

    /// <summary>
    /// The node's own client (<c>&lt;holder&gt;-node</c>), which an exchange service's internal call needs: the kit
    /// delivers its two test signals into the holder's inbox with it, as the node itself would. Without it, the
    /// inbox check is skipped.
    /// </summary>
    public CallerCredentials? Node { get; init; }

    /// <summary>Another organisation, of the fixture's requester domain: asks the node for data.</summary>
    public CallerCredentials? Requester { get; init; }

    /// <summary>The exchange's index, where the kit resolves its synthetic person and registers the requester's involvement.</summary>
    public Uri? Index { get; init; }

    /// <summary>The longest any single call of the kit may take.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How much longer than its deadline a call may stay open before the node counts as ignoring deadlines.</summary>
    public TimeSpan DeadlineGrace { get; init; } = TimeSpan.FromSeconds(10);
}
