using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Exchange.Cli.Partner;
using Exchange.Cli.Pki;
using Exchange.Client;
using Exchange.Client.Local;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.System.Tests.Support;
using Exchange.Testing;
using Exchange.Topology;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using VtAssessment = Exchange.Contracts.VeiligThuis.V1.SafetyAssessment;
using VtPublishAssessment = Exchange.Contracts.VeiligThuis.V1.PublishSafetyAssessmentRequest;

namespace Exchange.System.Tests.Onboarding;

/// <summary>
/// docs/onboarding.md, played against the exchange as the launcher runs it: Veilig Thuis Zeeland, hosting its own
/// node as its own process, is onboarded with the `exchange` command line only. Two administrators approve it after
/// the conformance kit passed its node; then, without any restart, it publishes, receives a push from the police and
/// answers the police's pull through the gateway. Another applicant is rejected and reads why. Revoking Veilig
/// Thuis Zeeland ends its open inbox stream and refuses its next call within 5 s.
/// </summary>
public sealed partial class LocalOnboardingTests
{
    private const string Zeeland = "vt-zeeland";
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_partner_hosting_its_own_node_is_onboarded_with_the_command_line_only_and_takes_part_until_it_is_revoked()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var exchange = await LocalLauncher.StartAsync();
        using var work = new TempDirectory("exchange-onboarding");
        var topology = exchange.Topology;

        // 2. The node's server certificate, from the exchange CA, and the node itself (the same Veilig Thuis build).
        var nodeUrl = new Uri($"https://localhost:{FreePorts.Next().ToString(global::System.Globalization.CultureInfo.InvariantCulture)}");
        Assert.Equal(0, await CliAsync(exchange, "pki", "issue-server", "vt-zeeland-node", "--dir", topology.Pki.Root));
        File.Copy(topology.Pki.ServerCertificatePath("vt-zeeland-node"), Path.Combine(work.Path, "vt-zeeland-node.pem"));

        // 1. and 3. The partner file as the documentation shows it complete, then the application.
        var init = await PartnerAsync(exchange, "init", Zeeland, "--name", "Veilig Thuis Zeeland", "--domain", "veilig-thuis", "--region", "Zeeland",
            "--endpoint", nodeUrl.ToString(), "--server-certificate", "vt-zeeland-node.pem", "--dir", work.Path);
        Assert.Equal(PartnerCommand.Done, init.Exit);
        await File.WriteAllTextAsync(Path.Combine(work.Path, "vt-zeeland.yaml"), DocumentedPartnerFile().Replace("https://localhost:7443", nodeUrl.ToString().TrimEnd('/'), StringComparison.Ordinal), ct);
        var register = await PartnerAsync(exchange, "register", Path.Combine(work.Path, "vt-zeeland.yaml"));
        Assert.True(register.Exit == PartnerCommand.Done, register.Output);
        Assert.Contains("pending", register.Output, StringComparison.Ordinal);
        var certificate = Path.Combine(work.Path, "vt-zeeland.pem");
        var key = Path.Combine(work.Path, "vt-zeeland.key");
        Assert.True(File.Exists(certificate), "the exchange CA signed the node's certificate request: " + register.Output);

        // Its internal calls into the exchange go as its own node client, with the certificate the exchange CA just signed.
        var settings = topology.PartnerNode(
            Zeeland, nodeUrl, Path.Combine(work.Path, "vt-zeeland-node.pem"), topology.Pki.ServerKeyPath("vt-zeeland-node"), Path.Combine(work.Path, "data"), certificate, key);
        await using var node = await ServiceProcess.StartAsync(
            "vt-zeeland-node", "services/VeiligThuis", "Exchange.VeiligThuis", settings.ToSettings().ToDictionary(e => e.Key, e => (string?)e.Value), topology.Pki.LoadCaCertificate());

        // Not yet on the exchange: the gateway refuses the applicant's system.
        using var zeelandSystem = Connect(exchange, certificate, key);
        var zeeland = new Partner(Zeeland, zeelandSystem.Channel);

        // 4. The conformance kit checks the node, as the partner (the identity service follows the registry too).
        var check = await Poll.ForAsync(
            async () => await PartnerAsync(exchange, "check", Zeeland, "--holder-certificate", certificate, "--holder-key", key, "--output", "json") is { Exit: PartnerCommand.Done } passed ? passed.Output : null,
            Propagation, "the conformance kit passes the node once the identity service gives the applicant tokens");
        using (var report = JsonDocument.Parse(check))
        {
            var outcomes = report.RootElement.GetProperty("report").GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("outcome").GetString()).ToList();
            Assert.DoesNotContain("CHECK_OUTCOME_FAILED", outcomes);
            Assert.DoesNotContain("CHECK_OUTCOME_SKIPPED", outcomes);
        }

        var refusedBefore = await Assert.ThrowsAsync<RpcException>(() => zeeland.ResolveAsync("999990019"));
        Assert.Equal(StatusCode.PermissionDenied, refusedBefore.StatusCode);

        // 5. Four eyes: one administrator cannot approve twice; the second one admits the partner.
        var first = await PartnerAsync(exchange, "approve", Zeeland, "--as", "registry-admin-1");
        var again = await PartnerAsync(exchange, "approve", Zeeland, "--as", "registry-admin-1");
        var second = await PartnerAsync(exchange, "approve", Zeeland, "--as", "registry-admin-2");
        Assert.Equal([PartnerCommand.Done, PartnerCommand.Refused, PartnerCommand.Done], new[] { first, again, second }.Select(r => r.Exit));
        Assert.Contains("FOUR_EYES", again.Output, StringComparison.Ordinal);

        // Without a restart: the gateway admits it, the index routes to its node, the policy decides for it.
        const string Bsn = "999990019";
        const string VictimBsn = "999990020";
        var atZeeland = await Poll.ForAsync(async () => await TryAsync(() => zeeland.ResolveAsync(Bsn)), Propagation, "the gateway admits the approved partner");
        var police = exchange.Partner(DemoPartners.Police);
        var atPolice = await police.ResolveAsync(Bsn);
        var victimAtPolice = await police.ResolveAsync(VictimBsn);
        await zeeland.RegisterInvolvementAsync(Purpose.SafetyAssessment, "Team Onderzoek", atZeeland, await zeeland.ResolveAsync(VictimBsn));
        await police.RegisterInvolvementAsync(Purpose.SafetyAssessment, "Basisteam Middelburg", atPolice, victimAtPolice);

        // It receives a push: the police's incident report reaches its inbox on its own node.
        await new PoliceSignals.PoliceSignalsClient(police.Channel).PublishIncidentAsync(new PublishIncidentRequest
        {
            Header = police.Header("agent-4410", [atPolice, victimAtPolice], new Source { Kind = SourceKind.PoliceReport, Description = "proces-verbaal" }),
            Incident = new DomesticViolenceIncident
            {
                Suspect = new SubjectRef { Pseudonym = atPolice },
                Victims = { new SubjectRef { Pseudonym = victimAtPolice } },
                Forms = { ViolenceForm.Threat },
                Narrative = "Threats during a quarrel, reported by a neighbour.",
                Offence = "art. 285 Sr (bedreiging)",
            },
        }, cancellationToken: ct);
        var inbox = await zeeland.InboxAsync(d => Partner.Payloads<DomesticViolenceIncident>(d).Any(), Propagation);
        Assert.Equal("art. 285 Sr (bedreiging)", Assert.Single(Partner.Payloads<DomesticViolenceIncident>(inbox)).Offence);

        // It publishes on its own node, and answers the neighbourhood officer's pull with the safety picture only.
        await new VeiligThuisSignals.VeiligThuisSignalsClient(zeeland.Channel).PublishSafetyAssessmentAsync(new VtPublishAssessment
        {
            Header = zeeland.Header("vtz-onderzoeker-3", [atZeeland], new Source { Kind = SourceKind.Interview, Description = "interview with both parents" }),
            Assessment = new VtAssessment
            {
                Score = 6,
                ViolenceType = ViolenceType.Situational,
                ProtectiveFactors = { "family nearby" },
                InterviewNotes = "Notes that stay with Veilig Thuis Zeeland.",
                AssessedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            },
        }, cancellationToken: ct);
        var pulled = await police.RequestAsync(Zeeland, new DisclosureRequest
        {
            Subject = new SubjectRef { Pseudonym = atPolice },
            Purpose = Purpose.SafetyAssessment,
            Categories = { DataCategory.Safety },
            Requester = police.Professional("wijkagent", "agent-4410"),
        });
        Assert.Equal(Decision.Permit, pulled.Receipt.Decision);
        var assessment = Assert.Single(pulled.Records).Payload.Unpack<VtAssessment>();
        Assert.Equal(6u, assessment.Score);
        Assert.Empty(assessment.InterviewNotes);

        // A rejection reaches the applicant with its reason.
        var other = await PartnerAsync(exchange, "init", "vt-walcheren", "--name", "Veilig Thuis Walcheren", "--domain", "veilig-thuis", "--region", "Walcheren",
            "--dir", Path.Combine(work.Path, "walcheren"));
        Assert.Equal(PartnerCommand.Done, other.Exit);
        await File.WriteAllTextAsync(
            Path.Combine(work.Path, "walcheren", "vt-walcheren.yaml"),
            DocumentedPartnerFile().Replace(Zeeland, "vt-walcheren", StringComparison.Ordinal).Replace("Veilig Thuis Zeeland", "Veilig Thuis Walcheren", StringComparison.Ordinal)
                .Replace("00000004000000059000", "00000004000000059001", StringComparison.Ordinal) is var text
                ? NodeSection().Replace(text, "node:\n  hosting: shared\n")
                : string.Empty,
            ct);
        Assert.Equal(PartnerCommand.Done, (await PartnerAsync(exchange, "register", Path.Combine(work.Path, "walcheren", "vt-walcheren.yaml"))).Exit);
        const string Reason = "Walcheren valt onder Veilig Thuis Zeeland; meld de teams daar aan.";
        Assert.Equal(PartnerCommand.Done, (await PartnerAsync(exchange, "reject", "vt-walcheren", "--as", "registry-admin-2", "--reason", Reason)).Exit);
        var shown = await PartnerAsync(exchange, "show", "vt-walcheren");
        Assert.Contains("rejected", shown.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Reason, shown.Output, StringComparison.Ordinal);

        // Revocation: the open inbox stream ends and the next call is refused, within 5 s.
        using var stream = new Signals.SignalsClient(zeeland.Channel).Subscribe(new SubscribeRequest(), cancellationToken: ct);
        var ended = ReadUntilEndAsync(stream);
        var clock = Stopwatch.StartNew();
        Assert.Equal(PartnerCommand.Done, (await PartnerAsync(exchange, "revoke", Zeeland, "--reason", "Uitgetreden uit het convenant")).Exit);
        var end = await ended.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.True(end.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated, end.ToString());
        var refused = await Poll.ForAsync(async () => await TryRefusalAsync(() => zeeland.ResolveAsync(Bsn)), TimeSpan.FromSeconds(5) - clock.Elapsed, "revoked partner's next call is refused");
        Assert.True(refused.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated, refused.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"revocation took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [GeneratedRegex(@"node:\n(  .*\n)+")]
    private static partial Regex NodeSection();

    /// <summary>The complete partner file of docs/onboarding.md, step 1.</summary>
    private static string DocumentedPartnerFile()
    {
        var document = File.ReadAllText(Repository.Path("docs", "onboarding.md"));
        var start = document.IndexOf("```yaml\nid: vt-zeeland", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/onboarding.md shows the complete partner file of vt-zeeland");
        start += "```yaml\n".Length;
        return document[start..document.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static PartnerConnection Connect(LocalLauncher exchange, string certificatePath, string keyPath) =>
        PartnerConnection.Open(
            Zeeland, new Uri(exchange.Manifest.Gateway), new Uri(exchange.Manifest.Identity.Issuer),
            X509CertificateLoader.LoadCertificateFromFile(exchange.Manifest.CaCertificate), X509Certificate2.CreateFromPemFile(certificatePath, keyPath), Zeeland);

    private static async Task<string?> TryAsync(Func<Task<string>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException)
        {
            return null;
        }
    }

    private static async Task<RpcException?> TryRefusalAsync(Func<Task<string>> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated)
        {
            return exception;
        }
    }

    private static async Task<RpcException> ReadUntilEndAsync(AsyncServerStreamingCall<SubscribeResponse> call)
    {
        try
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }

            return new RpcException(Status.DefaultSuccess);
        }
        catch (RpcException exception)
        {
            return exception;
        }
    }

    private static async Task<(int Exit, string Output)> PartnerAsync(LocalLauncher exchange, params string[] args) =>
        await InvokeAsync(["partner", .. args, "--local", exchange.ManifestPath]);

    private static async Task<int> CliAsync(LocalLauncher exchange, params string[] args) => (await InvokeAsync(args)).Exit;

    private static async Task<(int Exit, string Output)> InvokeAsync(string[] args)
    {
        using var output = new StringWriter();
        var root = new RootCommand { PartnerCommand.Create(), PkiCommand.Create() };
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, TestContext.Current.CancellationToken);
        return (exit, output.ToString());
    }
}
