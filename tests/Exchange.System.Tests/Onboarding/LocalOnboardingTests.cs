using System.CommandLine;
using System.Text.Json;
using Exchange.Cli.Partner;
using Exchange.System.Tests.Support;
using Exchange.Testing;

namespace Exchange.System.Tests.Onboarding;

/// <summary>
/// Onboarding against the exchange as the launcher runs it: its registry and its two registry administrators
/// (from local.json) approve a new partner with four eyes, and the conformance kit checks the launcher's own
/// Veilig Thuis node (docs/onboarding.md, phase 1).
/// </summary>
public sealed class LocalOnboardingTests
{
    [Fact]
    public async Task The_launchers_two_administrators_onboard_a_partner_with_four_eyes_and_its_own_node_fails_no_conformance_check()
    {
        await using var exchange = await LocalLauncher.StartAsync();
        using var work = new TempDirectory("exchange-onboarding");

        var init = await PartnerAsync(exchange, "init", "vt-zeeland", "--name", "Veilig Thuis Zeeland", "--domain", "veilig-thuis", "--region", "Zeeland",
            "--oin", "00000004000000059000", "--technical-email", "beheer@vtz.example", "--privacy-email", "fg@vtz.example", "--dir", work.Path);
        var register = await PartnerAsync(exchange, "register", Path.Combine(work.Path, "vt-zeeland.yaml"));
        var first = await PartnerAsync(exchange, "approve", "vt-zeeland", "--as", "registry-admin-1");
        var again = await PartnerAsync(exchange, "approve", "vt-zeeland", "--as", "registry-admin-1");
        var second = await PartnerAsync(exchange, "approve", "vt-zeeland", "--as", "registry-admin-2");
        var list = await PartnerAsync(exchange, "list", "--output", "json");
        var check = await PartnerAsync(exchange, "check", "vt-mwb", "--dry-run", "--endpoint", exchange.Manifest.Services["veiligthuis"], "--domain", "veilig-thuis", "--output", "json");

        Assert.Equal([PartnerCommand.Done, PartnerCommand.Done, PartnerCommand.Done, PartnerCommand.Refused, PartnerCommand.Done],
            new[] { init, register, first, again, second }.Select(r => r.Exit));
        Assert.Contains("FOUR_EYES", again.Output, StringComparison.Ordinal);
        using (var partners = JsonDocument.Parse(list.Output))
        {
            var partner = Assert.Single(partners.RootElement.GetProperty("partners").EnumerateArray());
            Assert.Equal("REGISTRATION_STATE_APPROVED", partner.GetProperty("state").GetString());
            Assert.Equal(["registry-admin-1", "registry-admin-2"], partner.GetProperty("approvals").EnumerateArray().Select(a => a.GetProperty("administrator").GetString()));
        }

        using var report = JsonDocument.Parse(check.Output);
        var checks = report.RootElement.GetProperty("report").GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("outcome").GetString());
        Assert.DoesNotContain("CHECK_OUTCOME_FAILED", checks.Values);
        Assert.Equal("CHECK_OUTCOME_PASSED", checks["disclosure.redaction-exact"]);
        Assert.Equal("CHECK_OUTCOME_SKIPPED", checks["tls.registered-certificate"]);
    }

    private static async Task<(int Exit, string Output)> PartnerAsync(LocalLauncher exchange, params string[] args)
    {
        using var output = new StringWriter();
        var root = new RootCommand { PartnerCommand.Create() };
        var exit = await root.Parse(["partner", .. args, "--local", exchange.ManifestPath]).InvokeAsync(
            new InvocationConfiguration { Output = output, Error = output }, TestContext.Current.CancellationToken);
        return (exit, output.ToString());
    }
}
