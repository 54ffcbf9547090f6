using System.Collections.Immutable;
using System.Security.Claims;
using Exchange.Identity.Storage;
using Exchange.Identity.Users;
using Exchange.ServiceDefaults.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Extensions;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity.Endpoints;

/// <summary>
/// Authorization code with PKCE for console users: OpenIddict has checked the client, its redirect URI
/// and the code challenge; here the user logs in (a cookie of this service only) and gets a code for the
/// scopes both asked for and granted to them.
/// </summary>
public static class AuthorizeEndpoint
{
    public const string LoginScheme = "exchange-console-login";

    public static async Task<IResult> HandleAsync(HttpContext context, ConsoleUsers users)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        var login = await context.AuthenticateAsync(LoginScheme);
        var user = login.Succeeded && login.Principal.FindFirstValue(Claims.Subject) is { } id
            ? await users.FindAsync(id, context.RequestAborted)
            : null;
        if (user is null)
        {
            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path + QueryString.Create(context.Request.HasFormContentType ? context.Request.Form : context.Request.Query) },
                [LoginScheme]);
        }

        var granted = request.GetScopes().Intersect(user.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToImmutableArray();
        return Results.SignIn(UserPrincipal(user, granted), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>A console user's principal: for the console's audience, never the partner API's.</summary>
    internal static ClaimsPrincipal UserPrincipal(ConsoleUser user, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.DisplayName)
            .SetClaim(ExchangeClaims.Organisation, user.OrganisationId)
            .SetScopes(scopes)
            .SetResources(ExchangeClaims.ConsoleAudience);
        identity.SetDestinations(claim => claim.Type == Claims.Name && !scopes.Contains(Scopes.Profile)
            ? [Destinations.AccessToken]
            : [Destinations.AccessToken, Destinations.IdentityToken]);
        return new ClaimsPrincipal(identity);
    }
}
