using System.Text.Json;
using Exchange.Contracts.Ledger.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Scenario.Story;
using Exchange.Testing;
using Microsoft.Playwright;

namespace Exchange.Console.Tests.Support;

/// <summary>
/// The exchange as the launcher runs it (every service its own process, the console among them), the
/// scenario played up to the morning of step 10, and Debian's Chromium driven by Playwright: started once
/// for all browser tests.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private LocalLauncher? _exchange;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public LocalLauncher Exchange => _exchange ?? throw new InvalidOperationException("The exchange has not started.");

    public StoryFacts Story { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public Uri Console => new(Exchange.Manifest.Services["console"]);

    /// <summary>Where every page's screenshot goes (git-ignored), one file per page and test.</summary>
    public static string Screenshots { get; } = Repository.Path("TestResults", "console-screenshots");

    /// <summary>axe-core from npm, which ./test.sh installs into .tools/.</summary>
    public static string Axe { get; } = Repository.Path(".tools", "node_modules", "axe-core", "axe.min.js");

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: ./test.sh installs it (apt-get install -y chromium).");
        Assert.True(File.Exists(Axe), $"{Axe} is missing: ./test.sh installs it (npm install --prefix .tools axe-core@4.14.1).");
        Directory.CreateDirectory(Screenshots);
        _exchange = await LocalLauncher.StartAsync();
        // The story up to the night of step 9, as the demo and the scenario system test play it; steps 10 and 11 are the browser tests'.
        await using (var story = new LeoAndNora(_exchange.Manifest, new Narration(TextWriter.Null)))
        {
            Story = await story.PlayAsync(through: 9);
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_exchange is not null)
        {
            await _exchange.DisposeAsync();
        }
    }

    /// <summary>
    /// A privacy officer of <paramref name="organisationId"/> logged in through the identity service's form, in
    /// a browser context of their own. Without script unless asked: the core pages must work without it.
    /// </summary>
    public async Task<IPage> LoginAsync(string organisationId, bool script = false)
    {
        var officer = Exchange.Manifest.Partner(organisationId).PrivacyOfficer;
        var page = await LoginFormAsync(script);
        await page.FillAsync("input[name=username]", officer.UserName);
        await page.FillAsync("input[name=password]", (await File.ReadAllTextAsync(officer.PasswordFile)).Trim());
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => url.StartsWith(Console.AbsoluteUri, StringComparison.Ordinal));
        return page;
    }

    /// <summary>A new browser context at the identity service's login form, where the console sends an officer who is not logged in.</summary>
    public async Task<IPage> LoginFormAsync(bool script = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            // The development CA is not in Chromium's store; the console's certificate is checked by the launcher's probe.
            IgnoreHTTPSErrors = true,
            JavaScriptEnabled = script,
            // axe is injected as a script; the console's own policy allows only its own (it has none).
            BypassCSP = script,
            Locale = "nl-NL",
            TimezoneId = "Europe/Amsterdam",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Console.AbsoluteUri);
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
        return page;
    }

    public string Url(string path) => new Uri(Console, path).AbsoluteUri;

    /// <summary>Every entry of the ledger, read from its store as an operator can (not as an officer).</summary>
    public Task<IReadOnlyList<LedgerEntry>> LedgerAsync() => StoryLedger.ReadAsync(Exchange.Manifest.Ledger.Sqlite);

    /// <summary>The exchange's pseudonyms, with the key the launcher created: what the ledger names subjects by.</summary>
    public PseudonymCodec Codec() =>
        new(Convert.FromBase64String(File.ReadAllText(Path.Combine(Exchange.DataDirectory, "secrets", "pseudonym.key")).Trim()));

    /// <summary>Saves a full-page screenshot as test output and attaches it to the test.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
        TestContext.Current.AddAttachment(name + ".png", bytes, "image/png");
    }

    /// <summary>
    /// Runs axe-core on the page (WCAG 2.0/2.1 A and AA and best practices) and fails on any serious or
    /// critical violation, naming each with the elements it found.
    /// </summary>
    public static async Task AssertAccessibleAsync(IPage page, string name)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Axe });
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }))
                .violations.map(v => ({ id: v.id, impact: v.impact || '', targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ') }))
            """);
        var serious = violations.EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("targets").GetString()}")
            .ToList();
        Assert.True(serious.Count == 0, $"{name}: {string.Join("; ", serious)}");
    }
}
