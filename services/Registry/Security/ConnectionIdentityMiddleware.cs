using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.ServiceDefaults.Identity;

namespace Exchange.Registry.Security;

/// <summary>
/// Administrators reach the registry directly over mutual TLS, not through the gateway, so the registry does
/// for itself what the gateway does for the services behind it: it drops every identity header the caller sent
/// and sets them from the client certificate the TLS handshake verified. The shared caller authorization then
/// checks the certificate-bound token and the RPC's rule exactly as everywhere else.
/// </summary>
public sealed class ConnectionIdentityMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        // A service's own token is not an identity header: it is checked against this connection's certificate.
        foreach (var header in context.Request.Headers.Keys
            .Where(k => k.StartsWith(ExchangeHeaders.ReservedPrefix, StringComparison.OrdinalIgnoreCase)
                && !k.Equals(ExchangeHeaders.ServiceAuthorization, StringComparison.OrdinalIgnoreCase))
            .ToList())
        {
            context.Request.Headers.Remove(header);
        }

        if (context.Connection.ClientCertificate is { } certificate
            && certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } organisation)
        {
            context.Request.Headers[ExchangeHeaders.Organisation] = organisation;
            context.Request.Headers[ExchangeHeaders.CertificateThumbprint] = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
        }

        return next(context);
    }
}
