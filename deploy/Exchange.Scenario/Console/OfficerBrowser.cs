using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Exchange.Client.Local;

namespace Exchange.Scenario.Console;

/// <summary>
/// A privacy officer at the console, as a browser without script does it: logs in on the identity service's form
/// (authorization code with PKCE behind the scenes), follows redirects, keeps cookies, and submits the console's
/// forms with their hidden fields (antiforgery). The console's core pages work without script, so this is what an
/// officer's browser sends.
/// </summary>
public sealed partial class OfficerBrowser : IDisposable
{
    private readonly HttpClient _http;

    private OfficerBrowser(HttpClient http) => _http = http;

    public static async Task<OfficerBrowser> LoginAsync(LocalManifest manifest, string organisationId, CancellationToken cancellationToken)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(manifest.CaCertificate);
        var handler = new HttpClientHandler
        {
            CookieContainer = new CookieContainer(),
            AllowAutoRedirect = true,
            // The console and the identity service present certificates from the exchange's own CA.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri(manifest.Services["console"]), Timeout = TimeSpan.FromSeconds(60) };
        var browser = new OfficerBrowser(http);
        try
        {
            var officer = manifest.Partner(organisationId).PrivacyOfficer;
            var login = await http.GetAsync("/", cancellationToken);
            var form = Form(await login.Content.ReadAsStringAsync(cancellationToken), "name=\"password\"")
                ?? throw new InvalidOperationException("The console did not send the officer to the identity service's login form.");
            form["username"] = officer.UserName;
            form["password"] = (await File.ReadAllTextAsync(officer.PasswordFile, cancellationToken)).Trim();
            var landed = await http.PostAsync(new Uri(login.RequestMessage!.RequestUri!, form.Action), form.Content(), cancellationToken);
            if (!landed.IsSuccessStatusCode || landed.RequestMessage!.RequestUri!.Authority != http.BaseAddress.Authority)
            {
                throw new InvalidOperationException($"The officer {officer.UserName} was not logged in to the console (HTTP {(int)landed.StatusCode}).");
            }

            return browser;
        }
        catch
        {
            browser.Dispose();
            throw;
        }
    }

    /// <summary>A page of the console: its final address (after redirects) and its HTML.</summary>
    public async Task<(Uri Url, string Html)> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        var html = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? (response.RequestMessage!.RequestUri!, html)
            : throw new InvalidOperationException($"The console answered {path} with HTTP {(int)response.StatusCode}.");
    }

    /// <summary>
    /// Submits the first form on <paramref name="page"/> containing <paramref name="marker"/>, with its hidden fields and
    /// <paramref name="fields"/> filled in; returns where the console redirected to and that page's HTML.
    /// </summary>
    public async Task<(Uri Url, string Html)> SubmitAsync(Uri page, string html, string marker, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        var form = Form(html, marker) ?? throw new InvalidOperationException($"No form with {marker} on {page.AbsolutePath}.");
        foreach (var (name, value) in fields)
        {
            form.Add(name, value);
        }

        using var response = await _http.PostAsync(new Uri(page, form.Action), form.Content(), cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? (response.RequestMessage!.RequestUri!, answer)
            : throw new InvalidOperationException($"The console answered the form on {page.AbsolutePath} with HTTP {(int)response.StatusCode}.");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The first form whose markup contains <paramref name="marker"/>: its action and hidden fields.</summary>
    private static HtmlForm? Form(string html, string marker)
    {
        foreach (Match match in FormPattern().Matches(html))
        {
            if (!match.Value.Contains(marker, StringComparison.Ordinal))
            {
                continue;
            }

            var form = new HtmlForm(WebUtility.HtmlDecode(match.Groups["action"].Success ? match.Groups["action"].Value : string.Empty));
            foreach (Match input in HiddenPattern().Matches(match.Value))
            {
                form.Add(WebUtility.HtmlDecode(input.Groups["name"].Value), WebUtility.HtmlDecode(input.Groups["value"].Value));
            }

            return form;
        }

        return null;
    }

    [GeneratedRegex("""<form\b(?=[^>]*\bmethod="post")(?:[^>]*\baction="(?<action>[^"]*)")?[^>]*>.*?</form>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex("""<input\b(?=[^>]*\btype="hidden")(?=[^>]*\bname="(?<name>[^"]*)")(?=[^>]*\bvalue="(?<value>[^"]*)")[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenPattern();

    private sealed class HtmlForm(string action)
    {
        private readonly List<KeyValuePair<string, string>> _fields = [];

        public string Action { get; } = action;

        public string this[string name]
        {
            set
            {
                _fields.RemoveAll(f => f.Key == name);
                _fields.Add(new(name, value));
            }
        }

        public void Add(string name, string value) => _fields.Add(new(name, value));

        public FormUrlEncodedContent Content() => new(_fields);
    }
}
