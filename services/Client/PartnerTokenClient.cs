using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Exchange.Pki;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Client;

/// <summary>How a partner system proves itself at the token endpoint.</summary>
public enum ClientAuthentication
{
    /// <summary>RFC 8705 tls_client_auth: the client certificate in the TLS handshake is the credential.</summary>
    TlsClientCertificate,

    /// <summary>private_key_jwt: a short JWT signed with the certificate's key; the certificate is still presented, for the binding.</summary>
    PrivateKeyJwt,
}

/// <summary>
/// What a partner's system does to call the exchange: asks the identity service for an access token with
/// its client certificate (so the token is bound to that certificate) and puts it on every gRPC call.
/// Tokens are cached and renewed shortly before they expire.
/// <code>
/// using var tokens = new PartnerTokenClient(issuer, ca, certificate, "politie-zwb");
/// using var channel = PartnerChannel.Create(gateway, ca, certificate, tokens);
/// </code>
/// </summary>
public sealed class PartnerTokenClient : IDisposable
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly Uri _issuer;
    private readonly X509Certificate2 _certificate;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PartnerToken? _cached;

    public PartnerTokenClient(
        Uri issuer, X509Certificate2 ca, X509Certificate2 clientCertificate, string clientId,
        ClientAuthentication authentication = ClientAuthentication.TlsClientCertificate, IReadOnlyList<string>? scopes = null)
    {
        _issuer = issuer;
        _certificate = clientCertificate;
        ClientId = clientId;
        Authentication = authentication;
        Scopes = scopes ?? [];
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions =
            {
                ClientCertificates = [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => PrivateCa.Validates(certificate, ca, errors),
            },
        })
        {
            // Generous: a loaded test machine can be slow; a refused request fails fast anyway.
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public string ClientId { get; }

    public ClientAuthentication Authentication { get; }

    public IReadOnlyList<string> Scopes { get; }

    public Uri TokenEndpoint => new(_issuer, "connect/token");

    /// <summary>Credentials for a gRPC channel or call: every call gets a current access token.</summary>
    /// <remarks>
    /// A token that cannot be had ends the call with a status that says why: UNAVAILABLE when the identity service
    /// cannot be reached (a token already held is used until it expires, so only new and renewed tokens fail),
    /// UNAUTHENTICATED with the OAuth error when it refuses.
    /// </remarks>
    public CallCredentials CallCredentials => CallCredentials.FromInterceptor(async (context, metadata) =>
    {
        string token;
        try
        {
            token = await GetAccessTokenAsync(context.CancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"No access token: the identity service at {_issuer} could not be reached ({exception.HttpRequestError}). Try again later.", exception));
        }
        catch (TaskCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"No access token: the identity service at {_issuer} did not answer in time. Try again later."));
        }
        catch (TokenRequestException exception)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"No access token: the identity service refused ({exception.Error}).", exception));
        }

        metadata.Add("authorization", "Bearer " + token);
    });

    /// <summary>A current access token, from the cache while it is good for at least another 30 seconds.</summary>
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is null || _cached.ExpiresAt - RenewBefore <= DateTimeOffset.UtcNow)
            {
                _cached = await RequestAsync(cancellationToken);
            }

            return _cached.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Asks for a new token (client credentials grant); throws <see cref="TokenRequestException"/> when refused.</summary>
    public async Task<PartnerToken> RequestAsync(CancellationToken cancellationToken = default)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ClientId,
        };
        if (Scopes.Count > 0)
        {
            form["scope"] = string.Join(' ', Scopes);
        }

        if (Authentication == ClientAuthentication.PrivateKeyJwt)
        {
            form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
            form["client_assertion"] = ClientAssertion();
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(TokenEndpoint, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var body = text.StartsWith('{') ? JsonSerializer.Deserialize<TokenResponse>(text) ?? new TokenResponse() : new TokenResponse();
        if (!response.IsSuccessStatusCode || string.IsNullOrEmpty(body.AccessToken))
        {
            throw new TokenRequestException((int)response.StatusCode, body.Error ?? "unknown_error", body.ErrorDescription ?? text);
        }

        return new PartnerToken(body.AccessToken, DateTimeOffset.UtcNow.AddSeconds(body.ExpiresIn), body.Scope ?? string.Empty);
    }

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    /// <summary>RFC 7523 client assertion, signed with the certificate's private key, for this issuer only, valid one minute.</summary>
    private string ClientAssertion()
    {
        var key = (SecurityKey?)(_certificate.GetECDsaPrivateKey() is { } ecdsa ? new ECDsaSecurityKey(ecdsa) : null)
            ?? (_certificate.GetRSAPrivateKey() is { } rsa ? new RsaSecurityKey(rsa) : null)
            ?? throw new InvalidOperationException("The client certificate has no private key to sign with.");
        var algorithm = key is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256;
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ClientId,
            Audience = _issuer.AbsoluteUri,
            Claims = new Dictionary<string, object> { ["sub"] = ClientId, ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(1),
            TokenType = "client-authentication+jwt",
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    private sealed record TokenResponse
    {
        [JsonPropertyName("access_token")]
        public string? AccessToken { get; init; }

        [JsonPropertyName("expires_in")]
        public long ExpiresIn { get; init; }

        [JsonPropertyName("scope")]
        public string? Scope { get; init; }

        [JsonPropertyName("error")]
        public string? Error { get; init; }

        [JsonPropertyName("error_description")]
        public string? ErrorDescription { get; init; }
    }
}

/// <summary>An access token as the token endpoint returned it.</summary>
public sealed record PartnerToken(string AccessToken, DateTimeOffset ExpiresAt, string Scope);

/// <summary>The token endpoint refused: the OAuth error and its description.</summary>
public sealed class TokenRequestException(int status, string error, string? description)
    : Exception($"The token endpoint refused ({status} {error}): {description}")
{
    public int Status { get; } = status;

    public string Error { get; } = error;
}
