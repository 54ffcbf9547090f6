using System.Web;
using Exchange.Console.Tests.Support;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Verification;
using Exchange.Ledger.Officers;
using Exchange.ServiceDefaults.Errors;
using Exchange.Scenario.Story;
using Exchange.Testing;
using Grpc.Core;
using Microsoft.Playwright;

namespace Exchange.Console.Tests.Browser;

/// <summary>
/// The privacy officers' console in Debian's Chromium, against the exchange the launcher runs, with the
/// scenario's data: steps 10 and 11 of SCENARIO.md as written, the least-privilege rule by page and by
/// API, every read in the ledger, a signal, and axe-core on every page.
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string Vt = DemoPartners.VeiligThuis;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StoryFacts Story => fixture.Story;

    [Fact]
    public async Task Step_10_Veilig_Thuis_officer_sees_every_disclosure_about_the_family_and_the_break_glass_and_approves_it_with_a_comment_that_is_a_ledger_entry()
    {
        var page = await fixture.LoginAsync(Vt);
        await ShowTimelineAsync(page, Story.Family(Vt), "RegularReview");

        var ledger = await fixture.LedgerAsync();
        var codec = fixture.Codec();
        var family = Story.Bsns.Select(b => codec.FromBsn(b)).ToHashSet(StringComparer.Ordinal);
        var aboutFamily = ledger.Where(e => e.Kind == EntryKind.Decision && family.Contains(e.SubjectPseudonym)
            && (e.HolderOrganisationId == Vt || e.Requester.OrganisationId == Vt)).ToList();
        Assert.Equal(aboutFamily.Select(e => e.Sequence), await LinkedSequencesAsync(page.Locator("ol.timeline > li")));
        var breakGlass = Assert.Single(ledger, e => e.Kind == EntryKind.Decision && e.DecisionId == Story.BreakGlassDecisionId);
        Assert.Contains("Doorbraak", await Item(page, breakGlass.Sequence).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Wacht op beoordeling", await Item(page, breakGlass.Sequence).InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "step-10-family-timeline");

        // The denial of step 7 (the social team asked the police) is not Veilig Thuis's: its officer sees it
        // in the social team's console; Veilig Thuis's officer does not (least privilege, see docs/console.md).
        var denial = Assert.Single(ledger, e => e.DecisionId == Story.DenialDecisionId);
        Assert.DoesNotContain(denial.Sequence, await LinkedSequencesAsync(page.Locator("ol.timeline > li")));
        var team = await fixture.LoginAsync(DemoPartners.SocialTeam);
        await ShowTimelineAsync(team, Story.Family(DemoPartners.SocialTeam), "RegularReview");
        var denied = await Item(team, denial.Sequence).InnerTextAsync();
        Assert.Contains("Geweigerd", denied, StringComparison.Ordinal);
        Assert.Contains("PURPOSE_NOT_COVERED", denied, StringComparison.Ordinal);
        await team.Context.CloseAsync();

        await page.GotoAsync(fixture.Url("/doorbraak"));
        var card = page.Locator("article", new PageLocatorOptions { Has = page.Locator($"a[href^='/vermelding/{breakGlass.Sequence}?']") });
        Assert.Contains("Leo broke the restraining order at 02:00", await card.InnerTextAsync(), StringComparison.Ordinal);
        await card.Locator("input[value=goedkeuren]").CheckAsync();
        await card.Locator("textarea").FillAsync("Acuut gevaar was aannemelijk: Leo overtrad om 02:00 het huisverbod.");
        await card.Locator("button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("beoordeeld=", StringComparison.Ordinal));
        await ConsoleFixture.ScreenshotAsync(page, "step-10-break-glass-approved");

        var reviewSequence = ulong.Parse(HttpUtility.ParseQueryString(new Uri(page.Url).Query)["beoordeeld"]!, System.Globalization.CultureInfo.InvariantCulture);
        var review = Assert.Single(await fixture.LedgerAsync(), e => e.Sequence == reviewSequence);
        Assert.Equal(EntryKind.Review, review.Kind);
        Assert.Equal(breakGlass.Sequence, review.ConcernsSequence);
        Assert.Equal(ReviewState.Approved, review.Review.Verdict);
        Assert.Equal("Acuut gevaar was aannemelijk: Leo overtrad om 02:00 het huisverbod.", review.Review.Comment);
        Assert.Equal(Vt, review.Review.Reviewer.OrganisationId);
        Assert.Contains("Goedgekeurd", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Step_11_the_officer_exports_an_access_report_for_Nora_with_one_recipient_withheld()
    {
        var page = await fixture.LoginAsync(Vt);
        var nora = Story.Family(Vt)[StoryFacts.Nora];
        await page.GotoAsync(fixture.Url("/inzage"));
        await page.FillAsync("#pseudoniem", nora);
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForSelectorAsync("table");
        var report = await page.Locator("main").InnerTextAsync();
        var police = Name(DemoPartners.Police);
        var raad = Name(DemoPartners.ChildProtection);
        Assert.Contains(police, report, StringComparison.Ordinal);
        Assert.Contains(raad, report, StringComparison.Ordinal);

        // The police hold the shelter's address by break-glass; the report goes where Leo may read it.
        await page.CheckAsync($"#ontvanger-{DemoPartners.Police}");
        await page.SelectOptionAsync("#grond", "uavg-41-1-i");
        await page.FillAsync("#motivering", "Het rapport gaat naar een adres dat Leo nog kan inzien; dat de politie de opvanglocatie kent, brengt Nora in gevaar.");
        await page.ClickAsync("text=Beperking vastleggen");
        await page.WaitForURLAsync(url => url.Contains("beperkt=", StringComparison.Ordinal));
        await ConsoleFixture.ScreenshotAsync(page, "step-11-access-report");
        var withheld = ulong.Parse(HttpUtility.ParseQueryString(new Uri(page.Url).Query)["beperkt"]!, System.Globalization.CultureInfo.InvariantCulture);

        var csv = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a[href*='handler=Csv']"));
        var exported = await File.ReadAllTextAsync((await csv.PathAsync())!, Ct);
        Assert.Contains(raad, exported, StringComparison.Ordinal);
        Assert.DoesNotContain(police, exported, StringComparison.Ordinal);
        Assert.Contains("beperking van uw recht op inzage", exported, StringComparison.Ordinal);

        await page.ClickAsync("a[href*='handler=Report']");
        await page.WaitForSelectorAsync("body.print");
        var printable = await page.Locator("main").InnerTextAsync();
        Assert.Contains(raad, printable, StringComparison.Ordinal);
        Assert.DoesNotContain(police, printable, StringComparison.Ordinal);
        Assert.Contains("geldt een beperking van uw recht op inzage", printable, StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "step-11-report-for-nora");

        var entry = Assert.Single(await fixture.LedgerAsync(), e => e.Sequence == withheld);
        Assert.Equal(EntryKind.AccessReportWithholding, entry.Kind);
        Assert.Equal([DemoPartners.Police], entry.Withholding.RecipientOrganisationIds);
        Assert.Equal("uavg-41-1-i", entry.Withholding.Ground);
        Assert.True(entry.Withholding.PrivacyOfficerInformed);
        Assert.True(entry.Withholding.SubjectInformed);
        Assert.Equal(fixture.Codec().FromBsn(Story.Bsns[StoryFacts.Nora]), entry.SubjectPseudonym);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_social_teams_officer_sees_who_weighed_the_Raads_request_under_bw_1_240_and_why()
    {
        var ledger = await fixture.LedgerAsync();
        var decided = Assert.Single(ledger, e => e.Kind == EntryKind.HolderDecision && e.HolderDecisionId == Story.HolderDecisionId);
        var release = Assert.Single(ledger, e => e.Kind == EntryKind.Release && e.HolderDecisionId == Story.HolderDecisionId);
        var page = await fixture.LoginAsync(DemoPartners.SocialTeam);

        await page.GotoAsync(fixture.Url($"/vermelding/{decided.Sequence}?doel=RegularReview"));
        await page.WaitForSelectorAsync("dl.details");
        Assert.Contains("Besluit van de houder", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        var decision = await page.Locator("dl.details").InnerTextAsync();
        Assert.Contains("sociaal werker professional sw-0042", decision, StringComparison.Ordinal);
        Assert.Contains(LeoAndNora.HolderReason, decision, StringComparison.Ordinal);
        Assert.Contains("HOLDER_APPROVED", decision, StringComparison.Ordinal);

        await page.GotoAsync(fixture.Url($"/vermelding/{release.Sequence}?doel=RegularReview"));
        await page.WaitForSelectorAsync("dl.details");
        var released = await page.Locator("dl.details").InnerTextAsync();
        Assert.Contains("Burgerlijk Wetboek boek 1, art. 240", released, StringComparison.Ordinal);
        Assert.Contains("sociaal werker professional sw-0042", released, StringComparison.Ordinal);
        Assert.Contains("De grondslag is een recht van de houder", released, StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "release-weighed-by-the-holder");

        await page.GotoAsync(fixture.Url("/controle?lijst=weighed-basis"));
        var listed = page.Locator("tbody tr", new PageLocatorOptions { Has = page.Locator($"a[href^='/vermelding/{release.Sequence}?']") });
        Assert.Contains("Gewogen door", await listed.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("sw-0042", await listed.InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_officer_searches_opens_an_entry_sees_its_proof_verified_in_the_page_and_checks_the_download_offline()
    {
        var page = await fixture.LoginAsync(Vt);
        await page.GotoAsync(fixture.Url("/zoeken"));
        await page.SelectOptionAsync("#doel", "BreakGlassReview");
        await page.SelectOptionAsync("#doorbraak", "ja");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForSelectorAsync("table.entries");
        var found = await LinkedSequencesAsync(page.Locator("table.entries tbody tr"));
        Assert.Equal(2, found.Count);

        var csv = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a[href*='handler=Csv']"));
        var bytes = await File.ReadAllBytesAsync((await csv.PathAsync())!, Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n").Where(l => l.Length > 0).ToList();
        Assert.StartsWith("sequence,recorded_at,kind", lines[0], StringComparison.Ordinal);
        Assert.Equal(found.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)), lines.Skip(1).Select(l => l.Split(',')[0]));

        await page.ClickAsync($"table.entries a[href^='/vermelding/{found[0]}?']");
        await page.WaitForSelectorAsync("section.proof");
        Assert.Contains("Gecontroleerd: deze vermelding staat in het grootboek.", await page.Locator("section.proof").InnerTextAsync(), StringComparison.Ordinal);
        var details = await page.Locator("dl.details").InnerTextAsync();
        Assert.Contains("Wet maatschappelijke ondersteuning 2015, art. 4.1.1", details, StringComparison.Ordinal);
        Assert.Contains(Name(DemoPartners.Police), details, StringComparison.Ordinal);
        Assert.Contains(LeoAndNora.Agent, details, StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "entry-with-proof");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("section.proof a[download]"));
        // Offline: the key trusted is the public half of the ledger's own signing key, not the one in the file.
        using var signer = NoteSigner.LoadOrCreate(fixture.Exchange.Manifest.Ledger.SigningKey, "exchange.local/ledger");
        var check = InclusionProofFile.Check(await File.ReadAllBytesAsync((await download.PathAsync())!, Ct), signer.Verifier);
        Assert.True(check.Verified, check.Failure);
        Assert.Equal(found[0], check.Sequence);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_read_is_in_the_ledger_and_another_organisations_officer_is_refused_by_page_by_url_and_by_api()
    {
        var ledger = await fixture.LedgerAsync();
        var vtOnly = ledger.First(e => e.Kind == EntryKind.Decision && e.HolderOrganisationId == Vt && e.Requester.OrganisationId == DemoPartners.ChildProtection);
        var page = await fixture.LoginAsync(DemoPartners.Police);

        await page.GotoAsync(fixture.Url("/zoeken"));
        await page.SelectOptionAsync("#doel", "Complaint");
        await page.FillAsync("#aantal", "1000");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForSelectorAsync("table.entries");
        var shown = await LinkedSequencesAsync(page.Locator("table.entries tbody tr"));
        Assert.NotEmpty(shown);
        Assert.DoesNotContain(vtOnly.Sequence, shown);
        ledger = await fixture.LedgerAsync();
        Assert.All(shown, s => Assert.True(PartyRule.IsParty(ledger.Single(e => e.Sequence == s), DemoPartners.Police)));

        var refused = await page.GotoAsync(fixture.Url($"/vermelding/{vtOnly.Sequence}?doel=Complaint"));
        Assert.Equal(403, refused!.Status);
        Assert.Contains("Geen toegang tot deze vermelding", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "another-organisations-entry-refused");

        var reads = (await fixture.LedgerAsync()).Where(e => e.Kind == EntryKind.OfficerRead && e.Requester.OrganisationId == DemoPartners.Police).ToList();
        var search = Assert.Single(reads, r => r.OfficerRead.View == ReadView.Search);
        Assert.Equal(OfficerReadPurpose.Complaint, search.OfficerRead.Purpose);
        Assert.Equal(shown, search.OfficerRead.Sequences);
        Assert.Equal(Officer.Role, search.Requester.Role);
        Assert.NotEmpty(search.Requester.ProfessionalId);
        var attempt = Assert.Single(reads, r => r.Decision == Decision.Deny);
        Assert.Equal((PartyRule.NotParty, ReadView.Entry), (attempt.ReasonCode, attempt.OfficerRead.View));
        Assert.Equal([vtOnly.Sequence], attempt.OfficerRead.Sequences);

        // The police's privacy officers' system, through the gateway with its certificate-bound token.
        var api = new LedgerService.LedgerServiceClient(fixture.Exchange.Reviewer(DemoPartners.Police));
        var byQuery = await Assert.ThrowsAsync<RpcException>(async () => await api.QueryAsync(new QueryRequest
        {
            InvolvingOrganisationId = Vt, ReadPurpose = OfficerReadPurpose.Complaint,
        }, cancellationToken: Ct));
        var byProof = await Assert.ThrowsAsync<RpcException>(async () => await api.ProveInclusionAsync(new ProveInclusionRequest { Sequence = vtOnly.Sequence }, cancellationToken: Ct));
        Assert.Equal((StatusCode.PermissionDenied, PartyRule.NotParty), (byQuery.StatusCode, RpcErrors.ReasonOf(byQuery)));
        Assert.Equal((StatusCode.PermissionDenied, PartyRule.NotParty), (byProof.StatusCode, RpcErrors.ReasonOf(byProof)));
        var own = await api.QueryAsync(new QueryRequest { ReadPurpose = OfficerReadPurpose.Complaint, Kind = EntryKind.Decision, PageSize = 1000 }, cancellationToken: Ct);
        Assert.All(own.Entries, e => Assert.True(PartyRule.IsParty(e, DemoPartners.Police)));
        Assert.Contains((await fixture.LedgerAsync()).Where(e => e.Kind == EntryKind.OfficerRead && e.OfficerRead.View == ReadView.Api && e.Decision == Decision.Deny),
            r => r.Requester.OrganisationId == DemoPartners.Police && r.OfficerRead.Sequences.Contains(vtOnly.Sequence));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_officer_sees_a_signal_of_repeated_break_glass_by_one_professional_and_marks_it_reviewed()
    {
        var page = await fixture.LoginAsync(Vt);
        await page.GotoAsync(fixture.Url("/signalen"));
        var signal = page.Locator("article", new PageLocatorOptions { HasText = "Herhaalde doorbraak door één professional" });
        var text = await signal.InnerTextAsync();
        Assert.Contains(LeoAndNora.Agent, text, StringComparison.Ordinal);
        Assert.Contains(Name(DemoPartners.Police), text, StringComparison.Ordinal);
        var ledger = await fixture.LedgerAsync();
        var uses = ledger.Where(e => e.Kind == EntryKind.Decision && (e.DecisionId == Story.BreakGlassDecisionId || e.DecisionId == Story.ShelterBreakGlassDecisionId))
            .Select(e => e.Sequence).Order().ToList();
        Assert.Equal(uses, await LinkedSequencesAsync(signal));
        await ConsoleFixture.ScreenshotAsync(page, "signals");

        await signal.Locator("textarea").FillAsync("Twee doorbraken in één nacht door dezelfde agent: beide bij het acute gevaar van die nacht.");
        await signal.Locator("button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("beoordeeld=", StringComparison.Ordinal));
        var reviewSequence = ulong.Parse(HttpUtility.ParseQueryString(new Uri(page.Url).Query)["beoordeeld"]!, System.Globalization.CultureInfo.InvariantCulture);
        var review = Assert.Single(await fixture.LedgerAsync(), e => e.Sequence == reviewSequence);
        Assert.Equal(EntryKind.SignalReview, review.Kind);
        Assert.Equal(SignalKind.BreakGlassUse, review.SignalReview.SignalKind);
        Assert.Equal(uses, review.SignalReview.EvidenceSequences);
        Assert.Contains($"Beoordeeld in vermelding {reviewSequence}", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_page_has_no_serious_accessibility_violation_serves_no_script_and_is_saved_as_a_screenshot()
    {
        var page = await fixture.LoginAsync(Vt, script: true);
        var ledger = await fixture.LedgerAsync();
        var breakGlass = ledger.First(e => e.Kind == EntryKind.Decision && e.DecisionId == Story.BreakGlassDecisionId);
        var denial = ledger.First(e => e.DecisionId == Story.DenialDecisionId);
        var family = string.Join("%0A", Story.Family(Vt));
        var nora = Story.Family(Vt)[StoryFacts.Nora];
        (string Name, string Path, int Status)[] pages =
        [
            ("overview", "/", 200),
            ("search", "/zoeken?doel=RegularReview&doorbraak=ja", 200),
            ("entry", $"/vermelding/{breakGlass.Sequence}?doel=RegularReview", 200),
            ("entry-asks-why", $"/vermelding/{breakGlass.Sequence}", 200),
            ("family-timeline", $"/gezin?doel=RegularReview&pseudoniemen={family}", 200),
            ("break-glass", "/doorbraak", 200),
            ("access-report", $"/inzage?pseudoniem={nora}", 200),
            ("access-report-for-the-subject", $"/inzage?handler=Report&pseudoniem={nora}", 200),
            .. Exchange.Console.Reviews.ReviewLists.All.Select(l => ($"review-list-{l.Id}", $"/controle?lijst={l.Id}", 200)),
            ("signals", "/signalen", 200),
            ("integrity", "/integriteit", 200),
            ("not-party", $"/vermelding/{denial.Sequence}?doel=RegularReview", 403),
        ];
        foreach (var (name, path, status) in pages)
        {
            var response = await page.GotoAsync(fixture.Url(path));
            Assert.True(response!.Status == status, $"{name}: HTTP {response.Status}");
            Assert.Equal(0, await page.Locator("script").CountAsync());
            await ConsoleFixture.ScreenshotAsync(page, name);
            await ConsoleFixture.AssertAccessibleAsync(page, name);
        }

        // Verify now: the full verification runs in the background; the page follows its progress.
        await page.GotoAsync(fixture.Url("/integriteit"));
        await page.ClickAsync("text=Nu verifiëren");
        await page.WaitForSelectorAsync("text=Geverifieerd op", new PageWaitForSelectorOptions { Timeout = 120_000 });
        await ConsoleFixture.ScreenshotAsync(page, "integrity-verified");
        await ConsoleFixture.AssertAccessibleAsync(page, "integrity-verified");

        await page.GotoAsync(fixture.Url("/taal?naar=en&terug=/"));
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Contains("Overview", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleFixture.ScreenshotAsync(page, "overview-english");
        await ConsoleFixture.AssertAccessibleAsync(page, "overview-english");
        await page.GotoAsync(fixture.Url("/taal?naar=nl&terug=/"));

        await page.ClickAsync("header button[type=submit]");
        await page.WaitForURLAsync(url => url.EndsWith("/SignedOut", StringComparison.Ordinal));
        await ConsoleFixture.ScreenshotAsync(page, "signed-out");
        await ConsoleFixture.AssertAccessibleAsync(page, "signed-out");
        await page.Context.CloseAsync();

        // The identity service's login form is the first page an officer sees.
        var login = await fixture.LoginFormAsync(script: true);
        await ConsoleFixture.ScreenshotAsync(login, "login");
        await ConsoleFixture.AssertAccessibleAsync(login, "login");
        await login.Context.CloseAsync();
    }

    [Fact]
    public async Task Verify_now_checks_the_ledger_against_checkpoints_held_elsewhere_and_names_the_first_missing_entry_when_the_ledger_is_shorter()
    {
        // With script: axe-core runs in the page.
        var page = await fixture.LoginAsync(Vt, script: true);
        await using var store = Exchange.Ledger.DisclosureLedger.CreateStore(new Exchange.Ledger.Hosting.LedgerOptions { SqlitePath = fixture.Exchange.Manifest.Ledger.Sqlite });
        await store.InitializeAsync(Ct);

        // A checkpoint a recipient kept from a receipt (a receipt carries the very note the ledger stores): the ledger holds its tree.
        var kept = (await store.ReadCheckpointsAsync(Ct)).OrderBy(c => c.TreeSize).Last().Note;
        var file = Path.Combine(Path.GetTempPath(), $"receipt-checkpoint-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, kept, Ct);
        try
        {
            await page.GotoAsync(fixture.Url("/integriteit"));
            await page.SetInputFilesAsync("#controlepunten", file);
            await page.ClickAsync("text=Nu verifiëren");
            await page.WaitForSelectorAsync("text=Geverifieerd op", new PageWaitForSelectorOptions { Timeout = 120_000 });
            Assert.Contains("Het grootboek bevat de boom van alle 1 controlepunten van elders.", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }

        // A checkpoint the ledger signed of a tree larger than it now holds: what a recipient holds after the ledger was
        // cut short (its tail and the checkpoints covering it removed). Signed here with the ledger's own key, at the
        // current size plus 1000 leaves, so that however many reads the officer's pages add meanwhile, the ledger stays shorter.
        var frontier = new Exchange.Ledger.Merkle.MerkleFrontier();
        await foreach (var row in LedgerVerifier.ReadStore(store, Ct))
        {
            frontier.Append(row.StoredLeafHash ?? Exchange.Ledger.Merkle.MerkleHash.Leaf(row.Entry));
        }

        var size = frontier.Size;
        for (var i = 0; i < 1000; i++)
        {
            frontier.Append(Exchange.Ledger.Merkle.MerkleHash.Leaf([1, 2, (byte)i]));
        }

        string future;
        // The key exists; its name is the origin, the first line of every checkpoint it signed.
        using (var signer = NoteSigner.LoadOrCreate(fixture.Exchange.Manifest.Ledger.SigningKey, kept.Split('\n')[0]))
        {
            future = SignedCheckpoint.Create(signer, frontier.Size, frontier.Root(), DateTimeOffset.UtcNow).Note;
        }

        await page.GotoAsync(fixture.Url("/integriteit"));
        await page.FillAsync("#controlepunt", future);
        await page.ClickAsync("text=Nu verifiëren");
        await page.WaitForSelectorAsync("text=Verificatie mislukt", new PageWaitForSelectorOptions { Timeout = 120_000 });
        var text = await page.Locator("main").InnerTextAsync();
        var named = System.Text.RegularExpressions.Regex.Match(text, "de eerste ontbrekende vermelding is ([0-9.,]+)\\.");
        Assert.True(named.Success, text);
        // Shown as Dutch numbers (1.234): the separators go.
        var missing = ulong.Parse(named.Groups[1].Value.Replace(".", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        var now = (ulong)(await fixture.LedgerAsync()).Count;
        Assert.InRange(missing, size, now);
        await ConsoleFixture.ScreenshotAsync(page, "integrity-shorter-than-a-trusted-checkpoint");
        await ConsoleFixture.AssertAccessibleAsync(page, "integrity-shorter-than-a-trusted-checkpoint");

        // Verified again without it, the ledger is whole.
        await page.GotoAsync(fixture.Url("/integriteit"));
        await page.ClickAsync("text=Nu verifiëren");
        await page.WaitForSelectorAsync("text=Geverifieerd op", new PageWaitForSelectorOptions { Timeout = 120_000 });
    }

    private async Task ShowTimelineAsync(IPage page, IEnumerable<string> pseudonyms, string purpose)
    {
        await page.GotoAsync(fixture.Url("/gezin"));
        await page.FillAsync("#pseudoniemen", string.Join("\n", pseudonyms));
        await page.SelectOptionAsync("#doel", purpose);
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForSelectorAsync("ol.timeline");
    }

    private static ILocator Item(IPage page, ulong sequence) =>
        page.Locator("ol.timeline > li", new PageLocatorOptions { Has = page.Locator($"a[href^='/vermelding/{sequence}?']") });

    /// <summary>The entry sequences the rows link to, in page order (read without page script: the core pages run without it).</summary>
    private static async Task<List<ulong>> LinkedSequencesAsync(ILocator rows)
    {
        var sequences = new List<ulong>();
        foreach (var link in await rows.Locator("a[href^='/vermelding/']").AllAsync())
        {
            var href = (await link.GetAttributeAsync("href"))!;
            var sequence = ulong.Parse(href["/vermelding/".Length..].Split('?')[0], System.Globalization.CultureInfo.InvariantCulture);
            if (sequences.Count == 0 || sequences[^1] != sequence)
            {
                sequences.Add(sequence);
            }
        }

        return sequences;
    }

    private string Name(string organisationId) => fixture.Exchange.Manifest.Partner(organisationId).Name;
}
