using Exchange.Client;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Exchange.Security.Tests.Support;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Security;
using Exchange.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Security.Tests.Identity;

/// <summary>
/// The identity service as partners meet it: what it issues, to whom, bound to what, and what it refuses.
/// </summary>
[Collection(SecuredExchangeCollection.Name)]
public sealed class TokenIssuanceTests(SecuredExchange exchange)
{
    [Fact]
    public async Task A_partner_authenticated_by_its_certificate_gets_a_token_bound_to_that_certificate()
    {
        using var tokens = exchange.Identity.TokenClient("rvdk-zuidwest");

        var token = new JsonWebToken((await tokens.RequestAsync(TestContext.Current.CancellationToken)).AccessToken);

        Assert.Equal(Thumbprint("rvdk-zuidwest"), Confirmation(token));
        Assert.Equal(exchange.Identity.Issuer.AbsoluteUri, token.Issuer);
        Assert.Equal([ExchangeClaims.ApiAudience], token.Audiences);
        Assert.Equal("rvdk-zuidwest", token.GetClaim(ExchangeClaims.Organisation).Value);
        Assert.Equal("child-protection", token.GetClaim(ExchangeClaims.Domain).Value);
        Assert.Equal("at+jwt", token.Typ);
        Assert.True(token.ValidTo - token.IssuedAt <= TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task A_partner_gets_only_the_scopes_its_role_needs()
    {
        using var tokens = exchange.Identity.TokenClient("swt-tilburg");

        var token = await tokens.RequestAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ExchangeScopes.Partner.Order(), token.Scope.Split(' ').Order());
    }

    [Fact]
    public async Task A_partner_asking_for_a_scope_it_was_not_granted_gets_no_token()
    {
        using var tokens = exchange.Identity.TokenClient("swt-tilburg", scopes: [ExchangeScopes.LedgerReview]);

        var refused = await Assert.ThrowsAsync<TokenRequestException>(() => tokens.RequestAsync(TestContext.Current.CancellationToken));

        // RFC 6749 would say invalid_scope; OpenIddict answers a scope the client may not have with invalid_request.
        Assert.Contains(refused.Error, new[] { "invalid_scope", "invalid_request" });
    }

    [Fact]
    public async Task A_partner_using_a_signed_client_assertion_also_gets_a_token_bound_to_its_certificate()
    {
        using var tokens = exchange.Identity.TokenClient("vt-mwb", ClientAuthentication.PrivateKeyJwt);

        var token = new JsonWebToken((await tokens.RequestAsync(TestContext.Current.CancellationToken)).AccessToken);

        Assert.Equal(Thumbprint("vt-mwb"), Confirmation(token));
    }

    [Fact]
    public async Task A_signed_client_assertion_without_the_certificate_in_the_handshake_gets_no_token()
    {
        // The assertion proves the key, but with no certificate there is nothing to bind the token to.
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => new TrustStore(exchange.Pki.Ca).ValidatesServer(c, e) },
        });
        using var keyOnly = new PartnerTokenClient(exchange.Identity.Issuer, exchange.Pki.Ca, exchange.Pki.ClientCertificate("vt-mwb"), "vt-mwb", ClientAuthentication.PrivateKeyJwt);
        var assertion = ClientAssertion("vt-mwb");

        using var response = await http.PostAsync(keyOnly.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "vt-mwb",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        }), TestContext.Current.CancellationToken);

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal("invalid_client", Error(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Another_partners_certificate_does_not_authenticate_my_client()
    {
        using var tokens = new PartnerTokenClient(exchange.Identity.Issuer, exchange.Pki.Ca, exchange.Pki.ClientCertificate("politie-zwb"), "vt-mwb");

        var refused = await Assert.ThrowsAsync<TokenRequestException>(() => tokens.RequestAsync(TestContext.Current.CancellationToken));

        Assert.Equal("invalid_client", refused.Error);
    }

    [Fact]
    public async Task A_client_secret_is_no_credential_here()
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => new TrustStore(exchange.Pki.Ca).ValidatesServer(c, e) },
        });

        using var response = await http.PostAsync(new Uri(exchange.Identity.Issuer, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "vt-mwb",
            ["client_secret"] = "guess",
        }), TestContext.Current.CancellationToken);

        Assert.Equal("invalid_client", Error(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Discovery_advertises_certificate_and_key_authentication_and_bound_tokens_only()
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => new TrustStore(exchange.Pki.Ca).ValidatesServer(c, e) },
        });

        var json = await http.GetStringAsync(new Uri(exchange.Identity.Issuer, ".well-known/openid-configuration"), TestContext.Current.CancellationToken);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var methods = root.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()).Order();
        Assert.Equal(["private_key_jwt", "tls_client_auth"], methods);
        Assert.True(root.GetProperty("tls_client_certificate_bound_access_tokens").GetBoolean());
        Assert.Equal(["S256"], root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_console_user_logs_in_with_authorization_code_and_PKCE_and_gets_a_console_token_with_their_organisation()
    {
        using var login = new ConsoleLogin(exchange.Identity.Issuer, exchange.Pki.Ca);

        var response = await login.LoginAsync(
            SecuredExchange.ConsoleClient, SecuredExchange.ConsoleRedirect, "openid exchange.ledger.review", SecuredExchange.ConsoleUserName, exchange.ConsolePassword);

        var token = new JsonWebToken(response.GetProperty("access_token").GetString());
        Assert.Equal([ExchangeClaims.ConsoleAudience], token.Audiences);
        Assert.Equal("vt-mwb", token.GetClaim(ExchangeClaims.Organisation).Value);
        Assert.Contains(ExchangeScopes.LedgerReview, token.GetClaim(ExchangeClaims.Scope).Value.Split(' '));
        Assert.True(response.TryGetProperty("id_token", out _));
    }

    [Fact]
    public async Task The_console_cannot_start_a_login_without_PKCE()
    {
        using var login = new ConsoleLogin(exchange.Identity.Issuer, exchange.Pki.Ca);

        var refused = await Assert.ThrowsAsync<ConsoleLoginException>(() => login.LoginAsync(
            SecuredExchange.ConsoleClient, SecuredExchange.ConsoleRedirect, "openid", SecuredExchange.ConsoleUserName, exchange.ConsolePassword, withPkce: false));

        Assert.Equal("authorize", refused.Step);
    }

    [Fact]
    public async Task A_wrong_password_does_not_log_in()
    {
        using var login = new ConsoleLogin(exchange.Identity.Issuer, exchange.Pki.Ca);

        var refused = await Assert.ThrowsAsync<ConsoleLoginException>(() => login.LoginAsync(
            SecuredExchange.ConsoleClient, SecuredExchange.ConsoleRedirect, "openid", SecuredExchange.ConsoleUserName, "not the password"));

        Assert.Equal("login", refused.Step);
    }

    private string Thumbprint(string organisation) =>
        Base64UrlEncoder.Encode(exchange.Pki.ClientCertificate(organisation).GetCertHash(HashAlgorithmName.SHA256));

    private static string? Confirmation(JsonWebToken token) =>
        JsonDocument.Parse(token.GetClaim(ExchangeClaims.Confirmation).Value).RootElement.GetProperty(ExchangeClaims.CertificateThumbprint).GetString();

    private static string? Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString();

    private string ClientAssertion(string clientId)
    {
        var certificate = exchange.Pki.ClientCertificate(clientId);
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = exchange.Identity.Issuer.AbsoluteUri,
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            Expires = now.AddMinutes(1),
            TokenType = "client-authentication+jwt",
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(certificate.GetECDsaPrivateKey()), SecurityAlgorithms.EcdsaSha256),
        });
    }
}
