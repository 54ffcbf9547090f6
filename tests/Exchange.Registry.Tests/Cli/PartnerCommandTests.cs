using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Exchange.Cli.Partner;
using Exchange.Registry.Tests.Support;

namespace Exchange.Registry.Tests.Cli;

/// <summary><c>exchange partner</c> as an integrator and two registry administrators use it: exit codes, what it prints, the files it writes.</summary>
[Collection(RegistryCollection.Name)]
public sealed class PartnerCommandTests(RegistryFixture registry) : IDisposable
{
    private readonly Support.Cli _cli = new(registry);

    [Fact]
    public async Task Init_writes_a_key_a_request_and_a_file_that_register_turns_into_a_pending_partner_with_a_certificate_for_that_key()
    {
        var (initExit, initOutput) = await _cli.RunAsync("init", "vt-cli", "--name", "Veilig Thuis Zeeland", "--domain", "veilig-thuis", "--region", "Zeeland",
            "--oin", "00000004000000059000", "--technical-email", "beheer@vtz.example", "--privacy-email", "fg@vtz.example", "--dir", _cli.Directory);
        var (exit, output) = await _cli.RunAsync("register", Path.Combine(_cli.Directory, "vt-cli.yaml"));
        var (again, refused) = await _cli.RunAsync("init", "vt-cli", "--name", "x", "--domain", "police", "--region", "x", "--dir", _cli.Directory);

        Assert.Equal(PartnerCommand.Done, initExit);
        Assert.DoesNotContain("to fill in", initOutput, StringComparison.Ordinal);
        Assert.Equal(PartnerCommand.Done, exit);
        Assert.Contains("vt-cli (Veilig Thuis Zeeland) applied", output, StringComparison.Ordinal);
        Assert.Contains("pending: waiting for two administrators' approval", output, StringComparison.Ordinal);
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(_cli.Directory, "vt-cli.pem"), Path.Combine(_cli.Directory, "vt-cli.key"));
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal("vt-cli", certificate.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal((PartnerCommand.Refused, true), (again, refused.Contains("not overwriting", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Two_administrators_approve_with_four_eyes_and_list_and_show_tell_where_the_registration_stands()
    {
        await RegisterAsync("vt-foureyes");

        var (firstExit, first) = await _cli.RunAsync("approve", "vt-foureyes", "--as", RegistryFixture.First);
        var (sameExit, same) = await _cli.RunAsync("approve", "vt-foureyes", "--as", RegistryFixture.First);
        var (secondExit, second) = await _cli.RunAsync("approve", "vt-foureyes", "--as", RegistryFixture.Second);
        var (_, list) = await _cli.RunAsync("list", "--state", "approved");
        var (showExit, show) = await _cli.RunAsync("show", "vt-foureyes", "--output", "json");

        Assert.Equal((PartnerCommand.Done, PartnerCommand.Refused, PartnerCommand.Done, PartnerCommand.Done), (firstExit, sameExit, secondExit, showExit));
        Assert.Contains("1 of 2 approvals (registry-admin-1); another administrator must approve", first, StringComparison.Ordinal);
        Assert.Contains("error: FailedPrecondition FOUR_EYES: You already approved vt-foureyes", same, StringComparison.Ordinal);
        Assert.Contains("approved: on the exchange", second, StringComparison.Ordinal);
        Assert.Matches(@"vt-foureyes\s+Veilig Thuis Zeeland\s+veilig-thuis\s+Zeeland\s+shared\s+approved", list);
        using var json = JsonDocument.Parse(show);
        Assert.Equal("REGISTRATION_STATE_APPROVED", json.RootElement.GetProperty("state").GetString());
        Assert.Equal(["PARTNER_ACTION_REGISTERED", "PARTNER_ACTION_APPROVAL_RECORDED", "PARTNER_ACTION_APPROVED"],
            json.RootElement.GetProperty("history").EnumerateArray().Select(c => c.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_rejection_reaches_the_applicant_with_its_reason()
    {
        await RegisterAsync("vt-told");

        var (exit, _) = await _cli.RunAsync("reject", "vt-told", "--reason", "Apply with the OIN of Veilig Thuis Zeeland itself, not its parent organisation.", "--as", RegistryFixture.Second);
        var (_, show) = await _cli.RunAsync("show", "vt-told");

        Assert.Equal(PartnerCommand.Done, exit);
        Assert.Contains("rejected: the applicant may correct the partner file and register again", show, StringComparison.Ordinal);
        Assert.Contains("Apply with the OIN of Veilig Thuis Zeeland itself, not its parent organisation. (rejected by registry-admin-2", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_partner_file_is_refused_at_its_lines_without_contacting_the_registry()
    {
        var file = Path.Combine(_cli.Directory, "bad.yaml");
        await File.WriteAllTextAsync(file, "id: vt-bad\noin: \"1\"\nname: X\ndomain: veilig-thuis\nregion: Zeeland\ncontacts: []\nnode: {hosting: shared}\n", TestContext.Current.CancellationToken);
        using var output = new StringWriter();
        var root = new System.CommandLine.RootCommand { PartnerCommand.Create() };

        var exit = await root.Parse(["partner", "register", file, "--local", Path.Combine(_cli.Directory, "no-exchange.json")])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output }, TestContext.Current.CancellationToken);

        Assert.Equal(PartnerCommand.Refused, exit);
        Assert.Contains("bad.yaml:2:6: oin: the organisation's OIN: 20 digits", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("bad.yaml:6:1: contacts: a technical contact is required", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("nothing was sent to the registry", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task What_the_registry_refuses_in_a_file_is_shown_at_the_line_where_the_file_says_it()
    {
        await _cli.RunAsync("init", "vt-impostor", "--name", "Veilig Thuis Zeeland", "--domain", "veilig-thuis", "--region", "Zeeland",
            "--oin", "00000004000000059000", "--technical-email", "beheer@vtz.example", "--privacy-email", "fg@vtz.example", "--dir", _cli.Directory);
        await File.WriteAllTextAsync(Path.Combine(_cli.Directory, "vt-impostor.csr"), Applications.CertificateRequest("politie-zwb"), TestContext.Current.CancellationToken);
        var line = File.ReadAllLines(Path.Combine(_cli.Directory, "vt-impostor.yaml")).ToList().FindIndex(l => l.TrimStart().StartsWith("request:", StringComparison.Ordinal)) + 1;

        var (exit, output) = await _cli.RunAsync("register", Path.Combine(_cli.Directory, "vt-impostor.yaml"), "--output", "json");

        Assert.Equal(PartnerCommand.Refused, exit);
        using var json = JsonDocument.Parse(output);
        var violation = json.RootElement.GetProperty("error").GetProperty("violations").EnumerateArray().Single();
        Assert.Equal("application.certificate_request_pem", violation.GetProperty("field").GetString());
        Assert.StartsWith($"vt-impostor.yaml:{line}:12: certificate.request: the request must name the partner's id as its CN", Path.GetFileName(violation.GetProperty("at").GetString()!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiring_lists_the_certificates_of_partners_on_the_exchange_that_end_within_the_days_asked()
    {
        await RegisterAsync("vt-expiring");
        await _cli.RunAsync("approve", "vt-expiring", "--as", RegistryFixture.First);
        await _cli.RunAsync("approve", "vt-expiring", "--as", RegistryFixture.Second);

        var (soonExit, soon) = await _cli.RunAsync("expiring", "--days", "30", "--output", "json");
        var (_, year) = await _cli.RunAsync("expiring", "--days", "400", "--output", "json");
        var (badExit, _) = await _cli.RunAsync("expiring", "--days", "-1");

        Assert.Equal(PartnerCommand.Done, soonExit);
        Assert.DoesNotContain(Items(soon), i => i.Partner == "vt-expiring");
        var item = Assert.Single(Items(year), i => i.Partner == "vt-expiring");
        Assert.Equal("ClientCertificate", item.Kind);
        Assert.InRange(item.EndsAt, DateTimeOffset.UtcNow.AddDays(364), DateTimeOffset.UtcNow.AddDays(366));
        Assert.NotEqual(PartnerCommand.Done, badExit);
    }

    [Fact]
    public async Task Check_records_its_report_at_the_registry_and_a_node_that_cannot_be_reached_does_not_pass()
    {
        var admin = registry.Client();
        var port = Exchange.Testing.FreePorts.Next();
        await admin.RegisterPartnerAsync(new Contracts.Registry.V1.RegisterPartnerRequest { Application = Applications.Hosted("vt-unreachable", registry.Pki, port) }, cancellationToken: TestContext.Current.CancellationToken);

        var (exit, output) = await _cli.RunAsync("check", "vt-unreachable");
        var (_, show) = await _cli.RunAsync("show", "vt-unreachable");
        var (approveExit, approve) = await _cli.RunAsync("approve", "vt-unreachable");

        Assert.Equal(PartnerCommand.Refused, exit);
        Assert.Matches(@"node\.health\s+failure\s+FAILED", output);
        Assert.Contains("NOT PASSED: node.health failed", output, StringComparison.Ordinal);
        Assert.Contains("recorded at the registry for vt-unreachable", output, StringComparison.Ordinal);
        Assert.Contains($"FAILED at", show, StringComparison.Ordinal);
        Assert.Contains($"against https://localhost:{port}", show, StringComparison.Ordinal);
        Assert.Equal(PartnerCommand.Refused, approveExit);
        Assert.Contains("CONFORMANCE_REQUIRED", approve, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_running_exchange_the_command_says_so_and_exits_two()
    {
        using var output = new StringWriter();
        var root = new System.CommandLine.RootCommand { PartnerCommand.Create() };

        var exit = await root.Parse(["partner", "list", "--local", Path.Combine(_cli.Directory, "no-exchange.json")])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output }, TestContext.Current.CancellationToken);

        Assert.Equal(PartnerCommand.CouldNotRun, exit);
        Assert.Contains("No local exchange at", output.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();

    private static List<(string Partner, string Kind, DateTimeOffset EndsAt)> Items(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(i => (
            i.GetProperty("partner_id").GetString()!, i.GetProperty("kind").GetString()!, DateTimeOffset.Parse(i.GetProperty("ends_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)))];
    }

    private async Task RegisterAsync(string id)
    {
        var (_, output) = await _cli.RunAsync("init", id, "--name", "Veilig Thuis Zeeland", "--domain", "veilig-thuis", "--region", "Zeeland",
            "--oin", "00000004000000059000", "--technical-email", "beheer@vtz.example", "--privacy-email", "fg@vtz.example", "--dir", _cli.Directory);
        var (exit, registered) = await _cli.RunAsync("register", Path.Combine(_cli.Directory, id + ".yaml"));
        Assert.True(exit == PartnerCommand.Done, output + registered);
    }
}
