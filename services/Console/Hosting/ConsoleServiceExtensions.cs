using System.Security.Claims;
using Exchange.Console.Law;
using Exchange.Console.Ledger;
using Exchange.Console.Localization;
using Exchange.Console.Organisations;
using Exchange.Console.Reviews;
using Exchange.Ledger.Checkpoints;
using Exchange.ServiceDefaults.Clients;
using Exchange.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Exchange.Console.Hosting;

public static class ConsoleServiceExtensions
{
    public const string CultureCookie = "exchange-console-culture";

    /// <summary>
    /// The privacy officers' console: Razor Pages, server-rendered, working without script. Officers log in
    /// at the identity service (authorization code + PKCE, public client); the console keeps their access
    /// token in its encrypted session cookie and sends it with every call to the ledger, which decides.
    /// </summary>
    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ConsoleOptions.Section);
        var options = section.Get<ConsoleOptions>() ?? new ConsoleOptions();
        var services = builder.Services;
        services.AddValidatedOptions<ConsoleOptions>(section, o => o.Validate());
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOrganisationNames, ConfiguredOrganisationNames>();
        services.AddSingleton<PolicyCatalogue>();
        services.AddServiceCredentials();
        services.AddSingleton<LedgerChannel>();
        services.AddSingleton(p => NoteVerifier.Parse(p.GetRequiredService<IOptions<ConsoleOptions>>().Value.LedgerVerifierKey!));
        services.AddSingleton<Ui>();
        services.AddHttpContextAccessor();
        services.AddScoped<OfficerLedgerClient>();
        services.AddScoped<ReviewLists>();

        services.AddRazorPages(pages =>
        {
            pages.Conventions.AuthorizeFolder("/");
            pages.Conventions.AllowAnonymousToPage("/Error");
            pages.Conventions.AllowAnonymousToPage("/SignedOut");
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "__Host-exchange-console-antiforgery";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        services.Configure<RequestLocalizationOptions>(localization =>
        {
            localization.SupportedCultures = [Ui.Dutch, Ui.EnglishCulture];
            localization.SupportedUICultures = [Ui.Dutch, Ui.EnglishCulture];
            localization.DefaultRequestCulture = new RequestCulture(Ui.Dutch);
            localization.RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = CultureCookie }];
        });

        // Session cookies outlive a process restart only with persisted keys; without a directory they die with it.
        var dataProtection = services.AddDataProtection().SetApplicationName("exchange-console");
        if (builder.Configuration[$"{ConsoleOptions.Section}:{nameof(ConsoleOptions.KeysDirectory)}"] is { Length: > 0 } keys)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        services.AddAuthentication(authentication =>
            {
                authentication.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                authentication.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = "__Host-exchange-console";
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.HttpOnly = true;
                cookie.SlidingExpiration = false;
                cookie.AccessDeniedPath = "/Error";
                // The access token is what the ledger checks: once it expires, the officer logs in again
                // (silently while their session at the identity service lasts).
                cookie.Events.OnValidatePrincipal = context =>
                {
                    var expires = context.Properties.GetTokenValue("expires_at");
                    if (expires is null || !DateTimeOffset.TryParse(expires, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)
                        || at <= DateTimeOffset.UtcNow.AddSeconds(30))
                    {
                        context.RejectPrincipal();
                    }

                    return Task.CompletedTask;
                };
            })
            .AddOpenIdConnect(oidc =>
            {
                oidc.Authority = options.Issuer?.AbsoluteUri;
                oidc.ClientId = options.ClientId;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                // A query redirect, not form_post: form_post needs script in the browser to post back.
                oidc.ResponseMode = OpenIdConnectResponseMode.Query;
                oidc.UsePkce = true;
                oidc.SaveTokens = true;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.MapInboundClaims = false;
                oidc.Scope.Clear();
                oidc.Scope.Add("openid");
                oidc.Scope.Add("profile");
                oidc.Scope.Add(ServiceDefaults.Security.ExchangeScopes.LedgerReview);
                oidc.CallbackPath = "/signin-oidc";
                oidc.TokenValidationParameters.NameClaimType = "name";
                oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
                oidc.NonceCookie.SameSite = SameSiteMode.Lax;
                oidc.RequireHttpsMetadata = true;
                if (options.IssuerCaPath is { } ca && File.Exists(ca))
                {
                    var trust = TrustStore.Load(ca);
                    oidc.BackchannelHttpHandler = new SocketsHttpHandler
                    {
                        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust.ValidatesServer(certificate, errors) },
                    };
                }

                oidc.Events.OnRemoteFailure = context =>
                {
                    // A refused or abandoned login shows the console's own page, never an exception.
                    context.Response.Redirect("/Error?reason=login");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization();
        return builder;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<PolicyCatalogue>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            // A refusal by the ledger is an answer, not a fault: the error page explains it; the log stays for faults.
            SuppressDiagnosticsCallback = context => context.Exception is Grpc.Core.RpcException,
        });
        app.UseStatusCodePagesWithReExecute("/Error", "?status={0}");
        app.Use(async (context, next) =>
        {
            var issuer = app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value.Issuer!;
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy =
                $"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self' {issuer.GetLeftPart(UriPartial.Authority)}";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            headers.CacheControl = "no-store";
            await next();
        });
        app.UseStaticFiles();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        app.MapGet("/taal", (HttpContext context, string? naar, string? terug) =>
        {
            var culture = naar == "en" ? Ui.EnglishCulture : Ui.Dutch;
            context.Response.Cookies.Append(CultureCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
            return Results.LocalRedirect(terug is { Length: > 0 } && terug.StartsWith('/') && !terug.StartsWith("//", StringComparison.Ordinal) ? terug : "/");
        }).AllowAnonymous();
        app.MapPost("/uitloggen", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/SignedOut");
        });
        return app;
    }

    /// <summary>The signed-in officer's organisation (from the identity token's exchange_org).</summary>
    public static string Organisation(this ClaimsPrincipal user) => user.FindFirst(ServiceDefaults.Security.ExchangeClaims.Organisation)?.Value ?? string.Empty;
}
