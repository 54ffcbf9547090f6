using Exchange.Registry.Client.Following;
using System.Security.Cryptography.X509Certificates;
using Exchange.Identity.Clients;
using Exchange.Identity.Endpoints;
using Exchange.Identity.Keys;
using Exchange.Identity.Storage;
using Exchange.Identity.Users;
using Exchange.Pki;
using Exchange.ServiceDefaults.Hosting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Exchange.Identity;

public static class IdentityServiceExtensions
{
    /// <summary>
    /// The OAuth 2 / OpenID Connect server: client credentials for organisational systems (tls_client_auth
    /// or private_key_jwt, tokens bound to the certificate), authorization code with PKCE for console users.
    /// </summary>
    public static WebApplicationBuilder AddIdentityService(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(IdentityOptions.Section);
        var options = section.Get<IdentityOptions>() ?? new IdentityOptions();
        builder.Services.AddValidatedOptions<IdentityOptions>(section, o => o.Validate());

        // Every token request is a database round trip; the command text is no operator's business.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddIdentityStore(options.Store);
        services.AddSingleton<ClientCertificateTrust>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, KeyRingServerOptions>();
        services.AddHostedService<IdentityStoreInitializer>();
        services.AddHostedService<KeyRotationService>();
        services.AddScoped<ClientRegistrar>();
        if (RegistryFollowing.IsFollowing(builder.Configuration))
        {
            services.AddRegistryFollower();
            services.AddHostedService<RegistryClients>();
        }
        services.AddScoped<ConsoleUsers>();

        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>();
                core.ReplaceApplicationManager(typeof(ExchangeApplicationManager<>));
            })
            .AddServer(server =>
            {
                if (options.Issuer is not null)
                {
                    server.SetIssuer(options.Issuer);
                }

                server.SetTokenEndpointUris("connect/token")
                    .SetAuthorizationEndpointUris("connect/authorize");
                server.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow();
                server.RegisterScopes([.. IdentityScopes.Known]);
                server.SetAccessTokenLifetime(options.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(TimeSpan.FromHours(8));

                // tls_client_auth against the exchange CA (revocation is checked against the exchange's own CRL
                // in ExchangeApplicationManager), and RFC 8705 binding of every access token to the certificate.
                server.EnablePublicKeyInfrastructureTlsClientAuthentication(
                    ExchangeCa(builder.Configuration), policy => policy.RevocationMode = X509RevocationMode.NoCheck);
                server.UseClientCertificateBoundAccessTokens();

                // The gateway and the services validate access tokens themselves, from the published keys.
                server.DisableAccessTokenEncryption();
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough();

                // No shared secrets: a client proves itself with its certificate or a JWT signed with its key.
                // And PKCE only with S256: "plain" would hand the verifier to whoever reads the authorization request.
                server.Configure(o =>
                {
                    o.ClientAuthenticationMethods.Remove(ClientAuthenticationMethods.ClientSecretBasic);
                    o.ClientAuthenticationMethods.Remove(ClientAuthenticationMethods.ClientSecretPost);
                    o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
                });
            });

        services.AddAuthentication()
            .AddCookie(AuthorizeEndpoint.LoginScheme, cookie =>
            {
                cookie.LoginPath = LoginEndpoints.Path;
                cookie.Cookie.Name = "__Host-exchange-login";
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.HttpOnly = true;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                cookie.SlidingExpiration = false;
            });
        services.AddAuthorization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "__Host-exchange-antiforgery";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        services.AddDataProtection()
            .SetApplicationName("exchange-identity")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.KeysDirectory, "data-protection")));
        return builder;
    }

    public static WebApplication MapIdentityService(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapMethods("connect/token", [HttpMethods.Post], TokenEndpoint.HandleAsync).DisableAntiforgery();
        app.MapMethods("connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeEndpoint.HandleAsync).DisableAntiforgery();
        app.MapGet(LoginEndpoints.Path, LoginEndpoints.Form);
        app.MapPost(LoginEndpoints.Path, LoginEndpoints.SubmitAsync);
        return app;
    }

    /// <summary>The CA that partner certificates chain to: the same file the TLS endpoint trusts.</summary>
    private static X509Certificate2Collection ExchangeCa(ConfigurationManager configuration)
    {
        var path = configuration[$"{EndpointOptions.Section}:ClientCaPath"];
        return string.IsNullOrEmpty(path) || !File.Exists(path)
            ? throw new InvalidOperationException($"{EndpointOptions.Section}:ClientCaPath is required: clients authenticate with certificates of the exchange CA.")
            : [PemFiles.ReadCertificate(path)];
    }
}
