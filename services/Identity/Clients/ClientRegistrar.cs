using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Exchange.Pki;
using Exchange.ServiceDefaults.Security;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity.Clients;

/// <summary>
/// Registers clients, or brings an existing registration in line with the given one: partner systems
/// with their certificates (tls_client_auth, and the public keys for private_key_jwt), the console as a
/// public client with PKCE. No client gets a shared secret.
/// </summary>
public sealed partial class ClientRegistrar(IOpenIddictApplicationManager applications, ILogger<ClientRegistrar> logger)
{
    public async Task RegisterAsync(ClientRegistration registration, CancellationToken cancellationToken)
    {
        var descriptor = registration.Kind == ClientKind.System ? SystemClient(registration) : ConsoleClient(registration);
        var existing = await applications.FindByClientIdAsync(registration.ClientId, cancellationToken);
        if (existing is null)
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
        else
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }

        LogRegistered(logger, registration.ClientId, registration.Kind, registration.Scopes);
    }

    /// <summary>Removes a client, if registered: it can obtain no token any more (tokens it holds expire on their own).</summary>
    public async Task RemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } existing)
        {
            await applications.DeleteAsync(existing, cancellationToken);
            LogRemoved(logger, clientId);
        }
    }

    private static OpenIddictApplicationDescriptor SystemClient(ClientRegistration registration)
    {
        var certificates = registration.CertificatePaths.Select(PemFiles.ReadCertificate)
            .Concat(registration.CertificatePems.Select(pem => X509Certificate2.CreateFromPem(pem)))
            .ToList();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = registration.ClientId,
            DisplayName = string.IsNullOrEmpty(registration.DisplayName) ? registration.ClientId : registration.DisplayName,
            ClientType = ClientTypes.Confidential,
            ApplicationType = ApplicationTypes.Web,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
            JsonWebKeySet = new JsonWebKeySet(),
        };
        foreach (var certificate in certificates)
        {
            descriptor.JsonWebKeySet.Keys.Add(PublicKeyOf(certificate));
        }

        AddScopes(descriptor, registration.Scopes);
        descriptor.Properties[ClientProperties.Organisation] = JsonSerializer.SerializeToElement(registration.OrganisationId);
        descriptor.Properties[ClientProperties.Domain] = JsonSerializer.SerializeToElement(registration.Domain);
        descriptor.Properties[ClientProperties.CertificateThumbprints] = JsonSerializer.SerializeToElement(
            certificates.Select(c => Convert.ToHexStringLower(c.GetCertHash(HashAlgorithmName.SHA256))).ToArray());
        if (registration.ServiceRole is { Length: > 0 } role)
        {
            descriptor.Properties[ClientProperties.ServiceRole] = JsonSerializer.SerializeToElement(role);
            descriptor.Properties[ClientProperties.ActsFor] = JsonSerializer.SerializeToElement(registration.ActsFor.ToArray());
        }

        if (registration.AccessTokenLifetime is { } lifetime)
        {
            descriptor.Properties[ClientProperties.AccessTokenLifetime] = JsonSerializer.SerializeToElement((long)lifetime.TotalSeconds);
        }

        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }

        return descriptor;
    }

    private static OpenIddictApplicationDescriptor ConsoleClient(ClientRegistration registration)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = registration.ClientId,
            DisplayName = string.IsNullOrEmpty(registration.DisplayName) ? registration.ClientId : registration.DisplayName,
            ClientType = ClientTypes.Public,
            ApplicationType = ApplicationTypes.Web,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in registration.RedirectUris)
        {
            descriptor.RedirectUris.Add(uri);
        }

        AddScopes(descriptor, registration.Scopes);
        return descriptor;
    }

    private static void AddScopes(OpenIddictApplicationDescriptor descriptor, IEnumerable<string> scopes)
    {
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
    }

    /// <summary>The certificate's public key as a JWK: a client signs its private_key_jwt assertions with the certificate's key.</summary>
    private static JsonWebKey PublicKeyOf(X509Certificate2 certificate)
    {
        JsonWebKey key;
        if (certificate.GetECDsaPublicKey() is { } ecdsa)
        {
            key = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ecdsa));
        }
        else if (certificate.GetRSAPublicKey() is { } rsa)
        {
            key = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa));
        }
        else
        {
            throw new InvalidOperationException($"The certificate of {certificate.Subject} has neither an ECDSA nor an RSA key.");
        }

        key.Use = JsonWebKeyUseNames.Sig;
        key.Kid = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
        return key;
    }

    [LoggerMessage(EventId = 4031, Level = LogLevel.Information, Message = "Removed client {ClientId}")]
    private static partial void LogRemoved(ILogger logger, string clientId);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Registered client {ClientId} ({Kind}) with scopes {Scopes}")]
    private static partial void LogRegistered(ILogger logger, string clientId, ClientKind kind, IReadOnlyList<string> scopes);
}
