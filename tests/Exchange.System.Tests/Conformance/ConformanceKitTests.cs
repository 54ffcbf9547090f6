using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Exchange.Cli.Partner;
using Exchange.Client.Local;
using Exchange.Conformance.Running;
using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Exchange.System.Tests.Support;
using Exchange.Testing;

namespace Exchange.System.Tests.Conformance;

/// <summary>
/// The conformance kit against the exchange's own Veilig Thuis node (as a partner would host it: over TLS with its
/// registered server certificate), and against deliberately broken ones: it passes the first and names the checks
/// each broken one fails.
/// </summary>
public sealed class ConformanceKitTests(ConformanceKitTests.Nodes nodes) : IClassFixture<ConformanceKitTests.Nodes>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_exchanges_own_node_passes_every_check()
    {
        var report = await nodes.RunAsync(nodes.Sound);

        Assert.True(report.Passed, Describe(report));
        Assert.All(report.Checks, c => Assert.Equal(CheckOutcome.Passed, c.Outcome));
        Assert.Equal(ConformanceKit.Checks.Select(c => c.Id), report.Checks.Select(c => c.Id));
        Assert.All(report.Checks, c => Assert.NotEmpty(c.Reference));
    }

    [Fact]
    public async Task The_exchanges_own_node_on_loopback_without_TLS_fails_nothing_but_is_not_tested_for_TLS()
    {
        var report = await nodes.RunAsync(nodes.Cluster.NodeOf(DemoPartners.VeiligThuis));

        Assert.DoesNotContain(report.Checks, c => c.Outcome == CheckOutcome.Failed);
        Assert.Equal(CheckOutcome.Skipped, Assert.Single(report.Checks, c => c.Id == "tls.registered-certificate").Outcome);
        Assert.False(report.Passed, "a required check that did not run cannot pass a node for approval");
    }

    [Fact]
    public async Task A_node_that_returns_an_unreleased_field_fails_the_redaction_check_naming_the_field()
    {
        var report = await nodes.RunAsync(nodes.Leaky);

        Assert.False(report.Passed);
        var failed = Assert.Single(report.Checks, c => c.Outcome == CheckOutcome.Failed);
        Assert.Equal("disclosure.redaction-exact", failed.Id);
        Assert.Contains("SafetyAssessment.interview_notes (INCIDENT) was returned but not released", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_that_ignores_deadlines_fails_the_deadline_check()
    {
        var report = await nodes.RunAsync(nodes.Timeless);

        Assert.False(report.Passed);
        var failed = Assert.Single(report.Checks, c => c.Outcome == CheckOutcome.Failed);
        Assert.Equal("deadline.honoured", failed.Id);
        Assert.Contains("still open", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_that_presents_another_certificate_than_the_registered_one_fails_the_TLS_check()
    {
        var report = await nodes.RunAsync(nodes.Sound, registered: new string('a', 64));

        Assert.Equal(["tls.registered-certificate"], report.Checks.Where(c => c.Outcome == CheckOutcome.Failed).Select(c => c.Id));
    }

    [Fact]
    public async Task Without_a_token_for_the_nodes_organisation_the_checks_that_act_for_it_are_skipped_saying_why()
    {
        var report = await nodes.RunAsync(nodes.Sound, holderToken: _ => throw new Exchange.Client.TokenRequestException(401, "invalid_client", "unknown client"));

        Assert.False(report.Passed);
        Assert.DoesNotContain(report.Checks, c => c.Outcome == CheckOutcome.Failed);
        var skipped = report.Checks.Where(c => c.Outcome == CheckOutcome.Skipped).ToList();
        Assert.Equal(["disclosure.no-release-without-permit", "disclosure.redaction-exact", "deadline.honoured", "inbox.resume-from-cursor"], skipped.Select(c => c.Id));
        Assert.All(skipped, c => Assert.StartsWith("no access token for vt-mwb", c.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exchange_partner_check_prints_the_report_and_exits_non_zero_only_for_a_failing_node()
    {
        var (soundExit, sound) = await nodes.CliAsync(nodes.Sound, "text");
        var (brokenExit, broken) = await nodes.CliAsync(nodes.Leaky, "json");

        Assert.True(soundExit == PartnerCommand.Done, sound);
        Assert.Matches(@"disclosure\.redaction-exact\s+failure\s+passed", sound);
        Assert.Contains("PASSED", sound, StringComparison.Ordinal);
        Assert.Equal(PartnerCommand.Refused, brokenExit);
        using var json = JsonDocument.Parse(broken);
        var checks = json.RootElement.GetProperty("report").GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal("CHECK_OUTCOME_FAILED", checks.Single(c => c.GetProperty("id").GetString() == "disclosure.redaction-exact").GetProperty("outcome").GetString());
        Assert.False(json.RootElement.GetProperty("recorded").GetBoolean());
    }

    private static string Describe(ConformanceReport report) =>
        string.Join(Environment.NewLine, report.Checks.Select(c => $"{c.Id}: {c.Outcome} {c.Message}"));

    /// <summary>The exchange, with three more Veilig Thuis nodes over TLS: a sound one, one that leaks, one that ignores deadlines.</summary>
    public sealed class Nodes : IAsyncLifetime
    {
        private const string NodeClient = DemoPartners.VeiligThuis + "-node";

        private readonly TempDirectory _directory = new("exchange-conformance");

        public ExchangeCluster Cluster { get; private set; } = null!;

        public RunningService Sound { get; private set; } = null!;

        public RunningService Leaky { get; private set; } = null!;

        public RunningService Timeless { get; private set; } = null!;

        public string ServerCertificateSha256 => PemFiles.Thumbprint(PemFiles.ReadCertificate(Cluster.Pki.ServerCertificatePath));

        public async ValueTask InitializeAsync()
        {
            // Veilig Thuis's data is held here as a partner would host it: its node has a client of its own (vt-mwb-node,
            // for its certificate, acting only for vt-mwb), which the identity service derives from the registry for a
            // partner-hosted node, and with which the kit delivers its test signals into the inbox.
            var pki = new TestPki();
            const string Node = "Identity:Clients:99:";
            Cluster = await ExchangeCluster.StartAsync(pki, new ClusterOptions
            {
                IdentitySettings = new Dictionary<string, string?>
                {
                    [Node + "ClientId"] = NodeClient,
                    [Node + "OrganisationId"] = DemoPartners.VeiligThuis,
                    [Node + "Domain"] = "veilig-thuis",
                    [Node + "CertificatePaths:0"] = pki.ClientCertificatePath(DemoPartners.VeiligThuis),
                    [Node + "Scopes:0"] = Exchange.ServiceDefaults.Security.ExchangeScopes.Internal,
                    [Node + "ServiceRole"] = "NODE",
                    [Node + "ActsFor:0"] = DemoPartners.VeiligThuis,
                },
            });
            var tls = new Dictionary<string, string?>
            {
                ["Endpoint:Url"] = "https://127.0.0.1:0",
                ["Endpoint:CertificatePath"] = Cluster.Pki.ServerCertificatePath,
                ["Endpoint:KeyPath"] = Cluster.Pki.ServerKeyPath,
                // Internal calls (the kit's deliveries) come with the caller's own certificate.
                ["Endpoint:ClientCaPath"] = Cluster.Pki.CaPath,
                ["Endpoint:ClientRevocationListPath"] = Cluster.Pki.RevocationListPath,
            };
            Sound = await Cluster.StartVeiligThuisNodeAsync("vt-hosted", DemoPartners.VeiligThuis, tls);
            Leaky = await Cluster.StartVeiligThuisNodeAsync("vt-leaky", DemoPartners.VeiligThuis, tls, add: BrokenNodes.LeakInterviewNotes);
            Timeless = await Cluster.StartVeiligThuisNodeAsync("vt-timeless", DemoPartners.VeiligThuis, tls, map: BrokenNodes.IgnoreDeadlines);
        }

        public async Task<ConformanceReport> RunAsync(RunningService node, string? registered = null, Func<CancellationToken, Task<string>>? holderToken = null)
        {
            using var holder = Cluster.Identity.TokenClient(DemoPartners.VeiligThuis);
            using var nodeTokens = Cluster.Identity.TokenClient(NodeClient, certificateName: DemoPartners.VeiligThuis);
            using var requester = Cluster.Identity.TokenClient(DemoPartners.SocialTeam);
            var target = new ConformanceTarget
            {
                Endpoint = node.Address,
                HolderOrganisationId = DemoPartners.VeiligThuis,
                Domain = Domain.VeiligThuis,
                Ca = Cluster.Pki.Ca,
                RegisteredServerCertificateSha256 = registered ?? ServerCertificateSha256,
                Holder = new CallerCredentials(DemoPartners.VeiligThuis, Cluster.Pki.Directory.LoadClient(DemoPartners.VeiligThuis), holderToken ?? holder.GetAccessTokenAsync),
                Node = new CallerCredentials(DemoPartners.VeiligThuis, Cluster.Pki.Directory.LoadClient(DemoPartners.VeiligThuis), nodeTokens.GetAccessTokenAsync),
                Requester = new CallerCredentials(DemoPartners.SocialTeam, Cluster.Pki.Directory.LoadClient(DemoPartners.SocialTeam), requester.GetAccessTokenAsync),
                Index = Cluster.IndexAddress,
                DeadlineGrace = TimeSpan.FromSeconds(5),
            };
            return await new ConformanceKit(TimeProvider.System).RunAsync(target, null, Ct);
        }

        /// <summary><c>exchange partner check vt-mwb --dry-run --endpoint NODE</c> with a local.json that describes this cluster.</summary>
        public async Task<(int Exit, string Output)> CliAsync(RunningService node, string format)
        {
            var manifest = _directory.File("local.json");
            new LocalManifest(
                Cluster.Gateway.Address.ToString(), Cluster.Pki.CaPath,
                new IdentityManifest(Cluster.Identity.Issuer.ToString(), new Uri(Cluster.Identity.Issuer, "connect/token").ToString(), "exchange-api"),
                new Dictionary<string, string> { ["index"] = Cluster.IndexAddress.ToString() },
                new LedgerManifest(Cluster.LedgerPath, string.Empty),
                [.. Exchange.Topology.ExchangeTopology.DemoPartners(Repository.Path("deploy", "partners")).Select(p => new PartnerManifest(p.Id, p.Name, Exchange.ServiceDefaults.Security.DomainNames.ToName(p.Domain),
                    Cluster.Pki.ClientCertificatePath(p.Id), Cluster.Pki.Directory.ClientKeyPath(p.Id), p.Id, [],
                    new ClientManifest(p.Id, Cluster.Pki.ClientCertificatePath(p.Id), Cluster.Pki.Directory.ClientKeyPath(p.Id), []), new ConsoleUserManifest(string.Empty, string.Empty)))],
                _directory.Path, new Dictionary<string, int>()).Write(manifest);
            using var output = new StringWriter();
            var root = new RootCommand { PartnerCommand.Create() };
            var exit = await root.Parse(["partner", "check", DemoPartners.VeiligThuis, "--dry-run", "--endpoint", node.Address.ToString(), "--domain", "veilig-thuis",
                "--pin", ServerCertificateSha256, "--local", manifest, "--output", format]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, Ct);
            return (exit, output.ToString());
        }

        public async ValueTask DisposeAsync()
        {
            await Cluster.DisposeAsync();
            _directory.Dispose();
        }
    }
}
