using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Exchange.Identity.Clients;

/// <summary>
/// tls_client_auth as the exchange needs it (RFC 8705 §2.1): the certificate must chain to the exchange
/// CA, not be revoked, be one of the certificates registered for this client (by SHA-256 thumbprint), and
/// name the client's organisation as its CN. OpenIddict's default instead matches host names against
/// redirect URIs, which fits web clients, not organisational systems.
/// </summary>
public sealed partial class ExchangeApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    ClientCertificateTrust trust)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store)
    where TApplication : class
{
    public override async ValueTask<bool> ValidatePublicKeyInfrastructureTlsClientCertificateAsync(
        TApplication application, X509Certificate2 certificate, X509ChainPolicy policy, CancellationToken cancellationToken = default)
    {
        var clientId = await GetClientIdAsync(application, cancellationToken) ?? string.Empty;
        using (var chain = new X509Chain { ChainPolicy = policy })
        {
            if (!chain.Build(certificate))
            {
                LogRefused(Logger, clientId, "does not chain to the exchange CA");
                return false;
            }
        }

        if (trust.Store.Validate(certificate) is { } problem)
        {
            LogRefused(Logger, clientId, problem);
            return false;
        }

        var properties = await GetPropertiesAsync(application, cancellationToken);
        var thumbprint = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
        var registered = properties.TryGetValue(ClientProperties.CertificateThumbprints, out var list) && list.ValueKind == JsonValueKind.Array
            && list.EnumerateArray().Any(t => string.Equals(t.GetString(), thumbprint, StringComparison.OrdinalIgnoreCase));
        if (!registered)
        {
            LogRefused(Logger, clientId, "is not registered for this client");
            return false;
        }

        var organisation = properties.TryGetValue(ClientProperties.Organisation, out var org) ? org.GetString() : null;
        if (!string.Equals(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), organisation, StringComparison.Ordinal))
        {
            LogRefused(Logger, clientId, "names another organisation");
            return false;
        }

        return true;
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Refused the client certificate of {ClientId}: it {Problem}")]
    private static partial void LogRefused(ILogger logger, string clientId, string problem);
}
