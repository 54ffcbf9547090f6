using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Json;
using Exchange.Identity.Clients;
using Exchange.Identity.Storage;
using Exchange.Identity.Users;
using Exchange.ServiceDefaults.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity.Endpoints;

/// <summary>
/// The token endpoint, after OpenIddict has authenticated the client (certificate or signed assertion)
/// and checked its permissions. Organisational systems get an access token for the exchange API that
/// names their organisation and domain and is bound to their certificate; the console gets a user's
/// token for the console only.
/// </summary>
public static partial class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext context, IOpenIddictApplicationManager applications, ConsoleUsers users, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(TokenEndpoint).FullName!);
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (request.IsClientCredentialsGrantType())
        {
            return await ClientCredentialsAsync(context, request, applications, logger);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            return await UserAsync(context, users);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> ClientCredentialsAsync(
        HttpContext context, OpenIddictRequest request, IOpenIddictApplicationManager applications, ILogger logger)
    {
        // OpenIddict has already matched any certificate to this client. Without one there would be
        // nothing to bind the token to, and an unbound token is a bearer token anyone could replay.
        if (context.Connection.ClientCertificate is null)
        {
            LogUnbound(logger, request.ClientId ?? string.Empty);
            return Refuse(Errors.InvalidClient, "Present the client certificate in the TLS handshake: tokens are bound to it.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
            ?? throw new InvalidOperationException("The authenticated client no longer exists.");
        var properties = await applications.GetPropertiesAsync(application, context.RequestAborted);
        var organisation = Property(properties, ClientProperties.Organisation);
        var domain = Property(properties, ClientProperties.Domain);
        var role = Property(properties, ClientProperties.ServiceRole);
        if (string.IsNullOrEmpty(organisation) || (string.IsNullOrEmpty(domain) && string.IsNullOrEmpty(role)))
        {
            return Refuse(Errors.UnauthorizedClient, "The client is not registered for an organisation.");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId)
            .SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, context.RequestAborted))
            .SetClaim(ExchangeClaims.Organisation, organisation)
            .SetClaim(ExchangeClaims.Domain, string.IsNullOrEmpty(domain) ? null : domain);

        if (!string.IsNullOrEmpty(role))
        {
            identity.SetClaim(ExchangeClaims.ServiceRole, role);
            if (properties.TryGetValue(ClientProperties.ActsFor, out var actsFor) && actsFor.ValueKind == JsonValueKind.Array)
            {
                identity.SetClaims(ExchangeClaims.ActsFor, [.. actsFor.EnumerateArray().Select(e => e.GetString()!)]);
            }
        }

        var scopes = request.GetScopes();
        if (scopes.IsEmpty)
        {
            // No scope asked for: the client gets what it is registered for, which is already least privilege.
            scopes = [.. (await applications.GetPermissionsAsync(application, context.RequestAborted))
                .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
                .Select(p => p[Permissions.Prefixes.Scope.Length..])];
        }

        identity.SetScopes(scopes).SetResources(ExchangeClaims.ApiAudience);
        if (properties.TryGetValue(ClientProperties.AccessTokenLifetime, out var seconds) && seconds.TryGetInt64(out var lifetime))
        {
            identity.SetAccessTokenLifetime(TimeSpan.FromSeconds(lifetime));
        }

        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> UserAsync(HttpContext context, ConsoleUsers users)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var userId = result.Principal?.GetClaim(Claims.Subject);
        var user = userId is null ? null : await users.FindAsync(userId, context.RequestAborted);
        if (user is null)
        {
            return Refuse(Errors.InvalidGrant, "The user no longer has access.");
        }

        // Rebuilt from the store, so that a disabled user or a withdrawn scope takes effect at the next refresh.
        var granted = result.Principal!.GetScopes().Intersect(user.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToImmutableArray();
        return Results.SignIn(AuthorizeEndpoint.UserPrincipal(user, granted), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    internal static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static string? Property(ImmutableDictionary<string, JsonElement> properties, string name) =>
        properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(EventId = 4040, Level = LogLevel.Warning, Message = "Refused a token to {ClientId}: no client certificate to bind it to")]
    private static partial void LogUnbound(ILogger logger, string clientId);
}
