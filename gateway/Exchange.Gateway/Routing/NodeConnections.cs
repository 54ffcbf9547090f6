using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.ServiceDefaults.Hosting;
using Yarp.ReverseProxy.Forwarder;

namespace Exchange.Gateway.Routing;

/// <summary>
/// How the gateway connects to domain services. A partner-hosted node is reached over TLS, and its certificate
/// must chain to the exchange CA and be the one the registry holds for it: a node that presents another
/// certificate of the same CA (another partner's, or one issued after a compromise) receives nothing.
/// </summary>
public sealed class NodeConnections(TrustStore trust) : ForwarderHttpClientFactory
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        var registered = context.NewMetadata?.GetValueOrDefault(RouteTable.ServerCertificate);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Accepts(trust, certificate, errors, registered);
    }

    /// <summary>Whether a node's certificate chains to the exchange CA for its host and, when one is registered, is that one.</summary>
    public static bool Accepts(TrustStore trust, X509Certificate? certificate, SslPolicyErrors errors, string? registered)
    {
        if (!trust.ValidatesServer(certificate, errors) || certificate is null)
        {
            return false;
        }

        return registered is null
            || string.Equals(Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256)), registered, StringComparison.OrdinalIgnoreCase);
    }
}
