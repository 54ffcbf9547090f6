using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Ledger.Officers;

/// <summary>Who is calling the officers' service: the privacy officer named by a verified token.</summary>
public interface IOfficerAuthenticator
{
    /// <summary>The officer, or an <see cref="RpcException"/> (Unauthenticated, PermissionDenied, Unavailable).</summary>
    Task<Officer> AuthenticateAsync(ServerCallContext context);
}

/// <summary>
/// The console calls the ledger directly on the internal network with the officer's own access token
/// (authorization code + PKCE; audience <c>exchange-console</c>; not bound to a certificate, since a
/// browser user has none). The ledger validates it itself against the identity service's published keys
/// (signature, issuer, audience, type, lifetime), requires the ledger review scope, and takes the
/// officer's organisation from the token: the console cannot name another.
/// </summary>
public sealed class OfficerTokenAuthenticator : IOfficerAuthenticator
{
    public const string Scheme = "exchange-officer";

    public async Task<Officer> AuthenticateAsync(ServerCallContext context)
    {
        var result = await context.GetHttpContext().AuthenticateAsync(Scheme);
        if (result.None)
        {
            RpcErrors.Unauthenticated(ReasonCodes.TokenMissing, "A privacy officer's access token is required (authorization: Bearer …).");
        }

        if (!result.Succeeded)
        {
            throw result.Failure switch
            {
                SecurityTokenExpiredException => RpcErrors.Create(StatusCode.Unauthenticated, ReasonCodes.TokenExpired, "The access token has expired."),
                SecurityTokenInvalidAudienceException => RpcErrors.Create(StatusCode.Unauthenticated, ReasonCodes.TokenWrongAudience,
                    $"The access token is not meant for {ExchangeClaims.ConsoleAudience}."),
                SecurityTokenException or ArgumentException => RpcErrors.Create(StatusCode.Unauthenticated, ReasonCodes.TokenInvalid, "The access token is not valid."),
                // The keys could not be read: refuse everything until they can (fail closed).
                _ => RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.IdentityUnavailable, "Access tokens cannot be validated right now; try again later."),
            };
        }

        var principal = result.Principal!;
        var scopes = principal.FindAll(ExchangeClaims.Scope).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (!scopes.Contains(ExchangeScopes.LedgerReview, StringComparer.Ordinal))
        {
            RpcErrors.PermissionDenied(ReasonCodes.ScopeMissing, $"The access token lacks the scope {ExchangeScopes.LedgerReview}.");
        }

        var organisation = principal.FindFirst(ExchangeClaims.Organisation)?.Value;
        var user = principal.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(organisation) || string.IsNullOrEmpty(user))
        {
            RpcErrors.Unauthenticated(ReasonCodes.TokenInvalid, "The access token names no organisation or user.");
        }

        return new Officer(organisation, user);
    }

    /// <summary>The JWT bearer options for officers' tokens, from the service's <c>Tokens</c> settings.</summary>
    internal static void Configure(JwtBearerOptions options, IConfiguration configuration)
    {
        var tokens = configuration.GetSection(TokenOptions.Section).Get<TokenOptions>();
        if (tokens?.Issuer is null || string.IsNullOrEmpty(tokens.IssuerCaPath) || !File.Exists(tokens.IssuerCaPath))
        {
            // Without an issuer nothing validates: every officer call is refused.
            return;
        }

        var trust = TrustStore.Load(tokens.IssuerCaPath);
        options.Authority = tokens.Issuer.AbsoluteUri;
        options.Audience = ExchangeClaims.ConsoleAudience;
        options.MapInboundClaims = false;
        options.RequireHttpsMetadata = true;
        options.RefreshOnIssuerKeyNotFound = true;
        options.AutomaticRefreshInterval = tokens.MetadataRefreshInterval;
        options.RefreshInterval = tokens.UnknownKeyRefreshInterval;
        options.BackchannelHttpHandler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust.ValidatesServer(certificate, errors) },
        };
        options.BackchannelTimeout = TimeSpan.FromSeconds(10);
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = tokens.Issuer.AbsoluteUri,
            ValidAudience = ExchangeClaims.ConsoleAudience,
            ValidTypes = ["at+jwt", "application/at+jwt"],
            ClockSkew = tokens.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
        };
    }
}

/// <summary>
/// The privacy officers' system of an organisation calling the ledger API through the gateway: its
/// organisation is the one the gateway verified and the caller interceptor re-checked against the token.
/// </summary>
public static class ReviewerSystem
{
    public static Officer From(ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        // The token was validated by the caller interceptor; only its subject (the client id) is read here.
        var authorization = context.RequestHeaders.GetValue("authorization");
        var subject = "api";
        if (authorization is { Length: > 7 } && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                subject = new JsonWebToken(authorization[7..].Trim()).Subject is { Length: > 0 } sub ? sub : subject;
            }
            catch (ArgumentException)
            {
                // Not a JWT: the interceptor would have refused it; keep the generic subject.
            }
        }

        return new Officer(caller.OrganisationId, subject);
    }
}
