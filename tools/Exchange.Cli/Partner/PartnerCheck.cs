using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Exchange.Client;
using Exchange.Client.Local;
using Exchange.Conformance.Fixtures;
using Exchange.Conformance.Running;
using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Security;
using Google.Protobuf;
using Spectre.Console;

namespace Exchange.Cli.Partner;

/// <summary>
/// <c>exchange partner check ID</c>: runs the conformance kit against the partner's node (its registered endpoint,
/// pinned to its registered server certificate), prints the report, records it at the registry (unless
/// <c>--dry-run</c>), and exits 1 unless it passed (no check failed, no required check skipped).
/// </summary>
public static class PartnerCheck
{
    /// <summary>The launcher's names for the exchange's own domain services, as local.json lists them.</summary>
    private static readonly Dictionary<Domain, string> SharedNodes = new()
    {
        [Domain.Police] = "police",
        [Domain.VeiligThuis] = "veiligthuis",
        [Domain.ChildProtection] = "childprotection",
        // The child-protection service hosts the certified youth-protection bodies (GI) beside the Raad.
        [Domain.YouthProtection] = "childprotection",
        [Domain.SocialTeam] = "socialteam",
    };

    public static Command Create(ConnectionOptions connection, Option<string> output)
    {
        var id = new Argument<string>("id") { Description = "The partner whose node to check" };
        var endpoint = UrlOption.Create("--endpoint", "Check this endpoint instead of the registered one");
        var domain = new Option<string?>("--domain") { Description = "The node's domain, for a partner the registry does not know yet (with --dry-run)" };
        var holderCertificate = new Option<FileInfo?>("--holder-certificate") { Description = "The partner's own client certificate (PEM); default: local.json's, for a demo partner" };
        var holderKey = new Option<FileInfo?>("--holder-key") { Description = "The key of --holder-certificate" };
        var requester = new Option<string?>("--requester") { Description = "The organisation (of local.json) that asks the node for data; default: the first of the domain the kit's test records are for" };
        var index = UrlOption.Create("--index", "The exchange's index; default: local.json's");
        var dryRun = new Option<bool>("--dry-run") { Description = "Do not record the report at the registry" };
        var pin = new Option<string?>("--pin") { Description = "The SHA-256 (hex) of the server certificate the node must present; default: the registered one" };
        var command = new Command("check", "Run the conformance kit against a partner's node and record the report")
        {
            id, endpoint, domain, holderCertificate, holderKey, requester, index, dryRun, pin,
        };
        PartnerCommand.Run(command, connection, output, async (parse, open, printer, cancellationToken) =>
        {
            var partnerId = parse.GetValue(id)!;
            var local = connection.ReadLocal(parse);
            var record = !parse.GetValue(dryRun);
            Contracts.Registry.V1.Partner? partner = null;
            if (record || parse.GetValue(endpoint) is null || parse.GetValue(domain) is null)
            {
                partner = (await open().Client.GetPartnerAsync(new GetPartnerRequest { Id = partnerId }, cancellationToken: cancellationToken)).Partner;
            }

            var nodeDomain = partner?.Domain ?? DomainNames.Parse(parse.GetValue(domain)!);
            var target = Target(partnerId, nodeDomain, partner, local, parse, endpoint, holderCertificate, holderKey, requester, index, open);
            if (target is not null && parse.GetValue(pin) is { } pinned)
            {
                target = (target.Value.Target with { RegisteredServerCertificateSha256 = pinned.ToLowerInvariant() }, target.Value.Tokens);
            }

            if (target is null)
            {
                return printer.Problem("no endpoint to check: the partner runs on the shared node and no local exchange names it; give --endpoint.", PartnerCommand.CouldNotRun);
            }

            var (conformance, tokens) = target.Value;
            ConformanceReport report;
            try
            {
                var kit = new ConformanceKit(TimeProvider.System);
                report = printer.IsJson
                    ? await kit.RunAsync(conformance, null, cancellationToken)
                    : await printer.Console.Status().StartAsync($"checking {conformance.Endpoint}", async status =>
                        await kit.RunAsync(conformance, new Progress<IConformanceCheck>(c => status.Status($"{c.Id}: {c.Title}")), cancellationToken));
            }
            finally
            {
                foreach (var client in tokens)
                {
                    client.Dispose();
                }
            }

            Contracts.Registry.V1.Partner? recorded = null;
            if (record)
            {
                recorded = (await open().Client.RecordConformanceReportAsync(new RecordConformanceReportRequest { Id = partnerId, Report = report }, cancellationToken: cancellationToken)).Partner;
            }

            Print(report, recorded, printer);
            return report.Passed ? PartnerCommand.Done : PartnerCommand.Refused;
        });
        return command;
    }

    private static (ConformanceTarget Target, List<PartnerTokenClient> Tokens)? Target(
        string partnerId, Domain domain, Contracts.Registry.V1.Partner? partner, LocalManifest? local, ParseResult parse,
        Option<Uri?> endpoint, Option<FileInfo?> holderCertificate, Option<FileInfo?> holderKey, Option<string?> requester, Option<Uri?> index,
        Func<RegistryConnection> open)
    {
        var address = parse.GetValue(endpoint)
            ?? (partner?.Node is { Hosting: NodeHosting.Partner, Endpoint.Length: > 0 } node ? new Uri(node.Endpoint)
                : local?.Services.GetValueOrDefault(SharedNodes[domain]) is { } shared ? new Uri(shared) : null);
        if (address is null)
        {
            return null;
        }

        var ca = local is not null ? X509CertificateLoader.LoadCertificateFromFile(local.CaCertificate) : open().Ca;
        var issuer = local is not null ? new Uri(local.Identity.Issuer) : throw new ConnectionException("The kit needs the identity service's issuer: run it against a local exchange (--local).");
        var tokens = new List<PartnerTokenClient>();
        CallerCredentials? Credentials(string clientId, string organisationId, string certificatePath, string keyPath)
        {
            X509Certificate2 certificate;
            try
            {
                certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            }
            catch (Exception exception) when (exception is CryptographicException or IOException)
            {
                throw new ConnectionException($"Cannot read the credentials of {clientId} ({exception.Message}).");
            }

            var client = new PartnerTokenClient(issuer, ca, certificate, clientId);
            tokens.Add(client);
            return new CallerCredentials(organisationId, certificate, ct => client.GetAccessTokenAsync(ct));
        }

        (string Certificate, string Key)? nodeFiles = parse.GetValue(holderCertificate) is { } file
            ? (file.FullName, (parse.GetValue(holderKey) ?? throw new ConnectionException("--holder-certificate needs --holder-key.")).FullName)
            : local?.Partners.FirstOrDefault(p => p.Id == partnerId) is { } demo ? (demo.Certificate, demo.Key) : null;
        var holder = parse.GetValue(holderCertificate) is not null
            ? Credentials(partnerId, partnerId, nodeFiles!.Value.Certificate, nodeFiles.Value.Key)
            : local?.Partners.FirstOrDefault(p => p.Id == partnerId) is { } known ? Credentials(known.ClientId, known.Id, known.Certificate, known.Key) : null;
        var fixture = DomainFixtures.For(domain);
        var wanted = parse.GetValue(requester);
        var asking = local?.Partners.FirstOrDefault(p => wanted is not null
            ? p.Id == wanted
            : fixture is not null && DomainNames.TryParse(p.Domain, out var d) && d == fixture.RequesterDomain && p.Id != partnerId);
        if (wanted is not null && asking is null)
        {
            throw new ConnectionException($"--requester {wanted} is not a partner of the local exchange.");
        }

        return (new ConformanceTarget
        {
            Endpoint = address,
            HolderOrganisationId = partnerId,
            Domain = domain,
            Ca = ca,
            RegisteredServerCertificateSha256 = partner?.Node?.ServerCertificate?.Sha256Thumbprint,
            Holder = holder,
            // A partner hosting its own node has a node client (<id>-node) for the same certificate.
            Node = nodeFiles is var (nodeCertificate, nodeKey) ? Credentials(partnerId + "-node", partnerId, nodeCertificate, nodeKey) : null,
            Requester = asking is null ? null : Credentials(asking.ClientId, asking.Id, asking.Certificate, asking.Key),
            Index = parse.GetValue(index) ?? (local?.Services.GetValueOrDefault("index") is { } indexAddress ? new Uri(indexAddress) : null),
        }, tokens);
    }

    private static void Print(ConformanceReport report, Contracts.Registry.V1.Partner? recorded, PartnerOutput printer)
    {
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["report"] = JsonNode.Parse(JsonFormatter.Default.Format(report)),
                ["recorded"] = recorded is not null,
            });
            return;
        }

        printer.Line($"conformance of {report.Endpoint} at {PartnerOutput.Time(report.RanAt)}");
        printer.Table(["check", "severity", "result", "what was found", "reference"], report.Checks.Select(c => new[]
        {
            c.Id, PartnerOutput.Severity(c.Severity), PartnerOutput.Outcome(c.Outcome), c.Message, c.Reference,
        }));
        var blocking = ConformanceVerdict.Blocking(report).ToList();
        printer.Line(report.Passed ? "PASSED" : $"NOT PASSED: {string.Join(", ", blocking)}");
        if (recorded is not null)
        {
            printer.Line($"recorded at the registry for {recorded.Id} (revision {recorded.Revision}); {PartnerOutput.StateLine(recorded)}");
        }
    }
}
