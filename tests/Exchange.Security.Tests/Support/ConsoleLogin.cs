using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Exchange.ServiceDefaults.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Security.Tests.Support;

/// <summary>
/// What the console's browser does: authorization code with PKCE against the identity service, with the
/// login form in between. Returns the token response, or the step at which the server said no.
/// </summary>
public sealed partial class ConsoleLogin : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _issuer;

    public ConsoleLogin(Uri issuer, System.Security.Cryptography.X509Certificates.X509Certificate2 ca)
    {
        _issuer = issuer;
        var trust = new TrustStore(ca);
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust.ValidatesServer(certificate, errors) },
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task<JsonElement> LoginAsync(string clientId, Uri redirectUri, string scope, string userName, string password, bool withPkce = true)
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var query = new Dictionary<string, string>
        {
            ["client_id"] = clientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["scope"] = scope,
            ["state"] = "s" + Guid.NewGuid().ToString("N"),
        };
        if (withPkce)
        {
            query["code_challenge"] = challenge;
            query["code_challenge_method"] = "S256";
        }

        var authorize = new Uri(_issuer, "connect/authorize?" + await new FormUrlEncodedContent(query).ReadAsStringAsync());
        using var first = await _http.GetAsync(authorize);
        if (first.StatusCode != HttpStatusCode.Redirect || first.Headers.Location?.AbsolutePath.EndsWith("/account/login", StringComparison.Ordinal) != true)
        {
            throw new ConsoleLoginException("authorize", first.StatusCode, await first.Content.ReadAsStringAsync());
        }

        using var form = await _http.GetAsync(new Uri(_issuer, first.Headers.Location));
        var html = await form.Content.ReadAsStringAsync();
        var antiforgery = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        antiforgery["username"] = userName;
        antiforgery["password"] = password;
        using var submitted = await _http.PostAsync(new Uri(_issuer, "/account/login"), new FormUrlEncodedContent(antiforgery));
        if (submitted.StatusCode != HttpStatusCode.Redirect)
        {
            throw new ConsoleLoginException("login", submitted.StatusCode, string.Empty);
        }

        using var second = await _http.GetAsync(new Uri(_issuer, submitted.Headers.Location!));
        var callback = second.Headers.Location;
        if (callback is null || !callback.AbsoluteUri.StartsWith(redirectUri.AbsoluteUri, StringComparison.Ordinal))
        {
            throw new ConsoleLoginException("consent", second.StatusCode, await second.Content.ReadAsStringAsync());
        }

        var code = System.Web.HttpUtility.ParseQueryString(callback.Query)["code"]
            ?? throw new ConsoleLoginException("callback", second.StatusCode, callback.Query);
        using var token = await _http.PostAsync(new Uri(_issuer, "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["code"] = code,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["code_verifier"] = verifier,
        }));
        var body = await token.Content.ReadAsStringAsync();
        return token.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : throw new ConsoleLoginException("token", token.StatusCode, body);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenInput();
}

public sealed class ConsoleLoginException(string step, HttpStatusCode status, string body)
    : Exception($"The console login stopped at {step} ({(int)status}): {body}")
{
    public string Step { get; } = step;

    public HttpStatusCode Status { get; } = status;

    public string Body { get; } = body;
}
