using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// Validates an access token locally against the identity service's published keys: signature,
/// issuer, audience, lifetime, type, and the RFC 8705 binding to the client certificate the TLS
/// handshake verified. When the keys cannot be had, every token is refused (fail closed).
/// </summary>
public sealed partial class AccessTokenValidator : IDisposable
{
    private static readonly string[] AccessTokenTypes = ["at+jwt", "application/at+jwt"];
    private static readonly string[] Algorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256];

    private readonly TokenOptions _options;
    private readonly HttpClient _http;
    private readonly SigningKeyCache _metadata;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly ILogger<AccessTokenValidator> _logger;
    private readonly TimeProvider _time;

    /// <summary>
    /// Tokens already validated, with the certificate digest each is bound to, until they expire. Every hop of a call
    /// checks the same token again; the signature check and the claims need doing once per token, the binding to
    /// the connection's certificate and the lifetime on every call. Bounded: cleared when full.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (VerifiedCaller Caller, byte[] Bound)> _validated = new(StringComparer.Ordinal);
    private const int MaxValidated = 10_000;

    public AccessTokenValidator(IOptions<TokenOptions> options, ILogger<AccessTokenValidator> logger, TimeProvider? time = null)
    {
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        var trust = TrustStore.Load(_options.IssuerCaPath!);
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust.ValidatesServer(certificate, errors) },
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        _metadata = new SigningKeyCache(
            _options.MetadataAddress.AbsoluteUri,
            new HttpDocumentRetriever(_http) { RequireHttps = true },
            _options.MetadataRefreshInterval,
            _options.UnknownKeyRefreshInterval,
            time ?? TimeProvider.System);
    }

    /// <summary>
    /// Validates the bearer token of an <c>authorization</c> header value for a caller that presented the
    /// certificate whose SHA-256 digest is <paramref name="certificateSha256"/>.
    /// </summary>
    public async Task<TokenCheck> ValidateAsync(string? authorization, ReadOnlyMemory<byte> certificateSha256, CancellationToken cancellationToken)
    {
        const string Bearer = "Bearer ";
        if (string.IsNullOrWhiteSpace(authorization) || !authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) || authorization.Length <= Bearer.Length)
        {
            return TokenCheck.Refuse(ReasonCodes.TokenMissing, "An access token is required (authorization: Bearer …).");
        }

        var token = authorization[Bearer.Length..].Trim();
        if (_validated.TryGetValue(token, out var known))
        {
            if (known.Caller.ValidUntil <= _time.GetUtcNow())
            {
                _validated.TryRemove(token, out _);
                return TokenCheck.Refuse(ReasonCodes.TokenExpired, "The access token has expired.");
            }

            return CryptographicOperations.FixedTimeEquals(known.Bound, certificateSha256.Span)
                ? TokenCheck.Valid(known.Caller)
                : TokenCheck.Refuse(ReasonCodes.TokenNotBound, "The access token is not bound to the client certificate of this connection.");
        }

        OpenIdConnectConfiguration metadata;
        try
        {
            metadata = await _metadata.GetAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException)
        {
            LogKeysUnavailable(_logger, exception, _options.MetadataAddress);
            return TokenCheck.Unavailable();
        }

        var result = await ValidateAsync(token, metadata);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key id we have not seen: the identity service may have rotated. Read the keys again, now.
            try
            {
                var refreshed = await _metadata.RefreshForUnknownKeyAsync(cancellationToken);
                if (refreshed is not null)
                {
                    result = await ValidateAsync(token, refreshed);
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException)
            {
                LogKeysUnavailable(_logger, exception, _options.MetadataAddress);
                return TokenCheck.Unavailable();
            }
        }

        if (!result.IsValid)
        {
            return result.Exception switch
            {
                SecurityTokenExpiredException => TokenCheck.Refuse(ReasonCodes.TokenExpired, "The access token has expired."),
                SecurityTokenInvalidAudienceException => TokenCheck.Refuse(ReasonCodes.TokenWrongAudience, $"The access token is not meant for {_options.Audience}."),
                _ => TokenCheck.Refuse(ReasonCodes.TokenInvalid, "The access token is not valid."),
            };
        }

        if (!IsBoundTo(result.ClaimsIdentity, certificateSha256.Span))
        {
            return TokenCheck.Refuse(ReasonCodes.TokenNotBound, "The access token is not bound to the client certificate of this connection.");
        }

        var caller = ToCaller(result.ClaimsIdentity, new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero) + _options.ClockSkew);
        if (caller is null)
        {
            return TokenCheck.Refuse(ReasonCodes.TokenInvalid, "The access token names no organisation.");
        }

        if (_validated.Count >= MaxValidated)
        {
            _validated.Clear();
        }

        _validated[token] = (caller, certificateSha256.ToArray());
        return TokenCheck.Valid(caller);
    }

    public void Dispose()
    {
        _metadata.Dispose();
        _http.Dispose();
    }

    private Task<TokenValidationResult> ValidateAsync(string token, OpenIdConnectConfiguration metadata)
    {
        var issuer = _options.Issuer!.AbsoluteUri;
        if (!string.Equals(metadata.Issuer, issuer, StringComparison.Ordinal))
        {
            // The discovery document must describe the issuer we were told to trust, not some other one.
            return Task.FromResult(new TokenValidationResult { IsValid = false, Exception = new SecurityTokenInvalidIssuerException("metadata issuer mismatch") });
        }

        return _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKeys = metadata.SigningKeys,
            ValidTypes = AccessTokenTypes,
            ValidAlgorithms = Algorithms,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = true,
            ClockSkew = _options.ClockSkew,
        });
    }

    /// <summary>RFC 8705 §3.1: the token's <c>cnf.x5t#S256</c> must be the digest of the presented certificate.</summary>
    private static bool IsBoundTo(ClaimsIdentity identity, ReadOnlySpan<byte> certificateSha256)
    {
        var confirmation = identity.FindFirst(ExchangeClaims.Confirmation)?.Value;
        if (string.IsNullOrEmpty(confirmation) || certificateSha256.Length != SHA256.HashSizeInBytes)
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(confirmation);
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty(ExchangeClaims.CertificateThumbprint, out var thumbprint)
                || thumbprint.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            var bound = Base64UrlEncoder.DecodeBytes(thumbprint.GetString());
            return CryptographicOperations.FixedTimeEquals(bound, certificateSha256);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    private static VerifiedCaller? ToCaller(ClaimsIdentity identity, DateTimeOffset validUntil)
    {
        var organisation = identity.FindFirst(ExchangeClaims.Organisation)?.Value;
        var clientId = identity.FindFirst(ExchangeClaims.ClientId)?.Value;
        var service = ServiceRoles.Parse(identity.FindFirst(ExchangeClaims.ServiceRole)?.Value);
        // A partner's client names its domain; an exchange service's own client names its role instead.
        var domain = Domain.Unspecified;
        if (string.IsNullOrEmpty(organisation) || string.IsNullOrEmpty(clientId)
            || (!DomainNames.TryParse(identity.FindFirst(ExchangeClaims.Domain)?.Value, out domain) && service == ServiceRole.Unspecified))
        {
            return null;
        }

        var scopes = identity.FindAll(ExchangeClaims.Scope)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
        return new VerifiedCaller(organisation, domain, clientId, scopes, validUntil)
        {
            Service = service,
            ActsFor = identity.FindAll(ExchangeClaims.ActsFor).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        };
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Cannot read the identity service's signing keys from {MetadataAddress}; refusing every token until they can be read")]
    private static partial void LogKeysUnavailable(ILogger logger, Exception exception, Uri metadataAddress);
}

/// <summary>The outcome of validating an access token: the verified caller, or why it was refused.</summary>
public sealed record TokenCheck(VerifiedCaller? Caller, RpcDenial? Denial)
{
    public static TokenCheck Valid(VerifiedCaller caller) => new(caller, null);

    public static TokenCheck Refuse(string reason, string message) => new(null, RpcDenial.Unauthenticated(reason, message));

    public static TokenCheck Unavailable() =>
        new(null, new RpcDenial(Grpc.Core.StatusCode.Unavailable, ReasonCodes.IdentityUnavailable, "Access tokens cannot be validated right now; try again later."));
}
