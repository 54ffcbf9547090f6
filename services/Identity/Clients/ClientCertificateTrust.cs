using Exchange.ServiceDefaults.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Identity.Clients;

/// <summary>
/// The exchange CA and its CRL as the identity service trusts them for client authentication: the
/// same files the TLS endpoint checks at the handshake, checked again when a token is asked for.
/// </summary>
public sealed class ClientCertificateTrust(IOptions<EndpointOptions> endpoint)
{
    public TrustStore Store { get; } = TrustStore.Load(
        endpoint.Value.ClientCaPath ?? throw new InvalidOperationException("Endpoint:ClientCaPath is required: clients authenticate with certificates of the exchange CA."),
        endpoint.Value.ClientRevocationListPath);
}
