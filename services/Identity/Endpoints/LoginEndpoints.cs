using System.Net;
using System.Security.Claims;
using Exchange.Identity.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity.Endpoints;

/// <summary>
/// The console users' login form. Deliberately plain: one form, an antiforgery token, a lockout after
/// repeated failures, and a return only to this service's own authorization endpoint.
/// </summary>
public static partial class LoginEndpoints
{
    public const string Path = "/account/login";

    public static IResult Form(HttpContext context, IAntiforgery antiforgery, IOptions<IdentityOptions> options, [FromQuery(Name = "ReturnUrl")] string? returnUrl) =>
        Page(context, antiforgery, options.Value, returnUrl, failed: false);

    public static async Task<IResult> SubmitAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        IOptions<IdentityOptions> options,
        ConsoleUsers users,
        ILoggerFactory loggers,
        [FromForm(Name = "username")] string? userName,
        [FromForm(Name = "password")] string? password,
        [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var user = string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password)
            ? null
            : await users.CheckPasswordAsync(userName, password, context.RequestAborted);
        if (user is null)
        {
            LogFailed(loggers.CreateLogger(typeof(LoginEndpoints).FullName!));
            return Page(context, antiforgery, options.Value, returnUrl, failed: true);
        }

        var identity = new ClaimsIdentity(AuthorizeEndpoint.LoginScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id));
        identity.AddClaim(new Claim(Claims.Name, user.DisplayName));
        await context.SignInAsync(AuthorizeEndpoint.LoginScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(IsAuthorizationRequest(returnUrl) ? returnUrl! : "/");
    }

    /// <summary>Only back to the authorization endpoint: the form is no open redirect.</summary>
    private static bool IsAuthorizationRequest(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith("/connect/authorize?", StringComparison.Ordinal) && !returnUrl.Contains("//", StringComparison.Ordinal);

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, IdentityOptions options, string? returnUrl, bool failed)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var message = failed ? "<p role=\"alert\">Onjuiste gebruikersnaam of wachtwoord.</p>" : string.Empty;
        var html = $"""
            <!doctype html>
            <html lang="nl"><head><meta charset="utf-8"><title>Need-to-Know Exchange: inloggen</title></head>
            <body><main>
            <h1>Inloggen voor functionarissen gegevensbescherming</h1>
            {message}
            <form method="post" action="{Path}">
            <input type="hidden" name="{WebUtility.HtmlEncode(tokens.FormFieldName)}" value="{WebUtility.HtmlEncode(tokens.RequestToken)}">
            <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl ?? string.Empty)}">
            <label>Gebruikersnaam <input name="username" autocomplete="username" required></label>
            <label>Wachtwoord <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Inloggen</button>
            </form>
            </main></body></html>
            """;
        context.Response.Headers.CacheControl = "no-store";
        // Browsers apply form-action to the redirects after the post too: the login ends at the console's redirect URI.
        var consoles = options.Clients.Where(c => c.Kind == ClientKind.Console).SelectMany(c => c.RedirectUris)
            .Select(u => u.GetLeftPart(UriPartial.Authority)).Distinct(StringComparer.Ordinal);
        context.Response.Headers["Content-Security-Policy"] = $"default-src 'none'; form-action 'self' {string.Join(' ', consoles)}".TrimEnd();
        context.Response.Headers["X-Frame-Options"] = "DENY";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);
    }

    [LoggerMessage(EventId = 4050, Level = LogLevel.Warning, Message = "A console login failed")]
    private static partial void LogFailed(ILogger logger);
}
