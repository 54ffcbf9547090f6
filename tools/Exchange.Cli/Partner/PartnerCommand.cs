using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Exchange.Client;
using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.Expiry;
using Exchange.Registry.Client.PartnerFiles;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;

namespace Exchange.Cli.Partner;

/// <summary>
/// <c>exchange partner init|register|approve|reject|list|show|suspend|revoke|check|expiring</c>: onboarding regional
/// partners at the registry, as a registry administrator (see <see cref="ConnectionOptions"/>). Every command prints
/// tables, or one JSON document with <c>--output json</c>. Exit codes: 0 done, 1 refused (a bad partner file, a
/// refusal of the registry, a failed conformance check), 2 could not run (registry, identity service or files unreachable).
/// </summary>
public static class PartnerCommand
{
    public const int Done = 0;
    public const int Refused = 1;
    public const int CouldNotRun = 2;

    private const int MaxPages = 100;
    private const uint PageSize = 500;

    public static Command Create()
    {
        var connection = new ConnectionOptions();
        var output = new Option<string>("--output") { Description = "text (tables) or json (for scripts)", DefaultValueFactory = _ => "text", Recursive = true };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("partner", "Onboard regional partners at the registry, as a registry administrator");
        command.Options.Add(output);
        foreach (var option in connection.All)
        {
            command.Options.Add(option);
        }

        command.Subcommands.Add(InitCommand(output));
        command.Subcommands.Add(RegisterCommand(connection, output));
        command.Subcommands.Add(ApproveCommand(connection, output));
        command.Subcommands.Add(DecisionCommand("reject", "Reject a pending application; the reason is shown to the applicant", connection, output,
            async (client, id, reason, ct) => (await client.RejectPartnerAsync(new RejectPartnerRequest { Id = id, Reason = reason }, cancellationToken: ct)).Partner));
        command.Subcommands.Add(DecisionCommand("suspend", "Take an approved partner off the exchange until two administrators approve it again", connection, output,
            async (client, id, reason, ct) => (await client.SuspendPartnerAsync(new SuspendPartnerRequest { Id = id, Reason = reason }, cancellationToken: ct)).Partner));
        command.Subcommands.Add(DecisionCommand("revoke", "Take a partner off the exchange for good and revoke its certificates", connection, output,
            async (client, id, reason, ct) => (await client.RevokePartnerAsync(new RevokePartnerRequest { Id = id, Reason = reason }, cancellationToken: ct)).Partner));
        command.Subcommands.Add(ListCommand(connection, output));
        command.Subcommands.Add(ShowCommand(connection, output));
        command.Subcommands.Add(ExpiringCommand(connection, output));
        command.Subcommands.Add(PartnerCheck.Create(connection, output));
        return command;
    }

    /// <summary>Every partner, page by page (bounded), in the given states.</summary>
    public static async Task<IReadOnlyList<Contracts.Registry.V1.Partner>> ListAllAsync(RegistryService.RegistryServiceClient client, IEnumerable<RegistrationState> states, CancellationToken cancellationToken)
    {
        var partners = new List<Contracts.Registry.V1.Partner>();
        var token = string.Empty;
        for (var page = 0; page < MaxPages; page++)
        {
            var request = new ListPartnersRequest { PageSize = PageSize, PageToken = token };
            request.States.AddRange(states);
            var response = await client.ListPartnersAsync(request, cancellationToken: cancellationToken);
            partners.AddRange(response.Partners);
            token = response.NextPageToken;
            if (token.Length == 0)
            {
                break;
            }
        }

        return partners;
    }

    /// <summary>Runs a command that talks to the registry, turning every kind of failure into its message and exit code.</summary>
    internal static void Run(Command command, ConnectionOptions connection, Option<string> output,
        Func<ParseResult, Func<RegistryConnection>, PartnerOutput, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            var printer = new PartnerOutput(parse.InvocationConfiguration.Output, parse.GetValue(output) == "json");
            RegistryConnection? opened = null;
            try
            {
                return await action(parse, () => opened ??= connection.Open(parse), printer, cancellationToken);
            }
            catch (ConnectionException exception)
            {
                return printer.Problem(exception.Message, CouldNotRun);
            }
            catch (TokenRequestException exception)
            {
                return printer.Problem($"the identity service gave the administrator no token: {exception.Message}", CouldNotRun);
            }
            catch (HttpRequestException exception)
            {
                return printer.Problem($"the identity service cannot be reached: {exception.Message}", CouldNotRun);
            }
            catch (RpcException exception)
            {
                return printer.Error(exception);
            }
            finally
            {
                opened?.Dispose();
            }
        });
    }

    private static Command InitCommand(Option<string> output)
    {
        var id = new Argument<string>("id") { Description = "The new partner's id, e.g. vt-zeeland (lower-case letters, digits, '-')" };
        var name = new Option<string>("--name") { Description = "The organisation's name", Required = true };
        // child-protection is the Raad, youth-protection a certified youth-protection body (GI).
        var domain = new Option<string>("--domain") { Description = DomainNames.Listed, Required = true };
        domain.AcceptOnlyFromAmong([.. DomainNames.All]);
        var region = new Option<string>("--region") { Description = "The region", Required = true };
        var oin = new Option<string?>("--oin") { Description = "The organisation's OIN (20 digits); left for the file if not given" };
        var endpoint = UrlOption.Create("--endpoint", "For a partner-hosted node: its https URL");
        var serverCertificate = new Option<string?>("--server-certificate") { Description = "For a partner-hosted node: its server certificate file (PEM), relative to the partner file" };
        var technical = new Option<string?>("--technical-email") { Description = "The technical contact's e-mail (told the outcome)" };
        var privacy = new Option<string?>("--privacy-email") { Description = "The privacy officer's e-mail" };
        var directory = new Option<DirectoryInfo>("--dir") { Description = "Where to write the partner file, key and certificate request", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var command = new Command("init", "Write a partner file, a private key and a certificate request (CSR) for the exchange CA to sign")
        {
            id, name, domain, region, oin, endpoint, serverCertificate, technical, privacy, directory,
        };
        command.SetAction(parse =>
        {
            var printer = new PartnerOutput(parse.InvocationConfiguration.Output, parse.GetValue(output) == "json");
            var template = new PartnerFileTemplate(
                parse.GetValue(id)!, parse.GetValue(name)!, parse.GetValue(domain)!, parse.GetValue(region)!, parse.GetValue(oin) ?? string.Empty,
                parse.GetValue(id)! + ".csr", parse.GetValue(endpoint)?.GetLeftPart(UriPartial.Authority), parse.GetValue(serverCertificate), parse.GetValue(technical), parse.GetValue(privacy));
            return PartnerInit.Write(template, parse.GetValue(directory)!.FullName, printer);
        });
        return command;
    }

    private static Command RegisterCommand(ConnectionOptions connection, Option<string> output)
    {
        var file = new Argument<FileInfo>("file") { Description = "The partner file (YAML; see docs/partner-file.schema.json)" };
        var command = new Command("register", "Apply for a partner at the registry from its partner file") { file };
        Run(command, connection, output, async (parse, open, printer, cancellationToken) =>
        {
            var partnerFile = PartnerFileReader.Read(parse.GetValue(file)!.FullName);
            if (!partnerFile.IsValid)
            {
                return FileErrors(partnerFile, printer);
            }

            Contracts.Registry.V1.Partner partner;
            try
            {
                partner = (await open().Client.RegisterPartnerAsync(new RegisterPartnerRequest { Application = partnerFile.Application }, cancellationToken: cancellationToken)).Partner;
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.InvalidArgument)
            {
                return printer.Error(exception, partnerFile);
            }

            // The CA signed the applicant's own request: its certificate goes beside the request and its key.
            var certificatePath = partnerFile.CertificateRequestPath is { } request && partner.Certificates.LastOrDefault(c => c.RevokedAt is null) is { } issued
                ? WriteCertificate(request, issued.Pem)
                : null;
            if (printer.IsJson)
            {
                printer.Json(new JsonObject { ["partner"] = JsonNode.Parse(Google.Protobuf.JsonFormatter.Default.Format(partner)), ["certificate_file"] = certificatePath });
            }
            else
            {
                printer.Line($"{partner.Id} ({partner.Name}) applied at revision {partner.Revision.ToString(CultureInfo.InvariantCulture)}: {PartnerOutput.StateLine(partner)}");
                if (certificatePath is not null)
                {
                    printer.Line($"certificate signed by the exchange CA: {certificatePath}");
                }
            }

            return Done;
        });
        return command;
    }

    private static Command ApproveCommand(ConnectionOptions connection, Option<string> output)
    {
        var id = new Argument<string>("id") { Description = "The partner's id" };
        var revision = new Option<ulong>("--revision") { Description = "The revision you reviewed (exchange partner show); refused if it changed since" };
        var command = new Command("approve", "Approve a pending (or suspended) partner; a second administrator's approval puts it on the exchange") { id, revision };
        Run(command, connection, output, async (parse, open, printer, cancellationToken) =>
        {
            var partner = (await open().Client.ApprovePartnerAsync(new ApprovePartnerRequest { Id = parse.GetValue(id)!, ExpectedRevision = parse.GetValue(revision) }, cancellationToken: cancellationToken)).Partner;
            return Changed(partner, printer);
        });
        return command;
    }

    private static Command DecisionCommand(
        string name, string description, ConnectionOptions connection, Option<string> output,
        Func<RegistryService.RegistryServiceClient, string, string, CancellationToken, Task<Contracts.Registry.V1.Partner>> decide)
    {
        var id = new Argument<string>("id") { Description = "The partner's id" };
        var reason = new Option<string>("--reason") { Description = "Why: the partner is told this reason", Required = true };
        var command = new Command(name, description) { id, reason };
        Run(command, connection, output, async (parse, open, printer, cancellationToken) =>
            Changed(await decide(open().Client, parse.GetValue(id)!, parse.GetValue(reason)!, cancellationToken), printer));
        return command;
    }

    private static Command ListCommand(ConnectionOptions connection, Option<string> output)
    {
        var state = new Option<string[]>("--state") { Description = "Only partners in these states", AllowMultipleArgumentsPerToken = true };
        state.AcceptOnlyFromAmong("pending", "approved", "rejected", "suspended", "revoked");
        var command = new Command("list", "List the partners, by id, with their names and where their registration stands") { state };
        Run(command, connection, output, async (parse, open, printer, cancellationToken) =>
        {
            var states = (parse.GetValue(state) ?? []).Select(s => Enum.Parse<RegistrationState>(s, ignoreCase: true));
            var partners = await ListAllAsync(open().Client, states, cancellationToken);
            if (printer.IsJson)
            {
                printer.Json(new ListPartnersResponse { Partners = { partners } });
                return Done;
            }

            printer.Table(["id", "name", "domain", "region", "node", "state", "approvals"], partners.Select(p => new[]
            {
                p.Id, p.Name, Exchange.ServiceDefaults.Security.DomainNames.ToName(p.Domain), p.Region,
                p.Node?.Hosting == NodeHosting.Partner ? p.Node.Endpoint : "shared",
                PartnerOutput.State(p.State), p.State is RegistrationState.Pending or RegistrationState.Suspended ? $"{p.Approvals.Count} of 2" : string.Empty,
            }));
            printer.Line($"{partners.Count} partners");
            return Done;
        });
        return command;
    }

    private static Command ShowCommand(ConnectionOptions connection, Option<string> output)
    {
        var id = new Argument<string>("id") { Description = "The partner's id" };
        var command = new Command("show", "Show a partner: where its registration stands and why, its certificates, node, covenants and history") { id };
        Run(command, connection, output, async (parse, open, printer, cancellationToken) =>
        {
            var client = open().Client;
            var partner = (await client.GetPartnerAsync(new GetPartnerRequest { Id = parse.GetValue(id)! }, cancellationToken: cancellationToken)).Partner;
            var history = new List<PartnerChange>();
            var token = string.Empty;
            for (var page = 0; page < MaxPages; page++)
            {
                var response = await client.ListPartnerChangesAsync(new ListPartnerChangesRequest { Id = partner.Id, PageSize = PageSize, PageToken = token }, cancellationToken: cancellationToken);
                history.AddRange(response.Changes);
                token = response.NextPageToken;
                if (token.Length == 0)
                {
                    break;
                }
            }

            printer.Partner(partner, history);
            return Done;
        });
        return command;
    }

    private static Command ExpiringCommand(ConnectionOptions connection, Option<string> output)
    {
        var days = new Option<int>("--days") { Description = "How far ahead to look", DefaultValueFactory = _ => 30 };
        days.Validators.Add(result =>
        {
            if (result.GetValue(days) is < 0 or > Expiring.MaxDays)
            {
                result.AddError($"--days must be between 0 and {Expiring.MaxDays}.");
            }
        });
        var command = new Command("expiring", "Certificates and covenants of partners on the exchange that end within --days (or have ended)") { days };
        Run(command, connection, output, async (parse, open, printer, cancellationToken) =>
        {
            var partners = await ListAllAsync(open().Client, [RegistrationState.Approved, RegistrationState.Suspended], cancellationToken);
            var now = DateTimeOffset.UtcNow;
            var items = Expiring.Within(partners, now, parse.GetValue(days));
            if (printer.IsJson)
            {
                printer.Json(new JsonObject
                {
                    ["days"] = parse.GetValue(days),
                    ["items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject
                    {
                        ["partner_id"] = i.PartnerId,
                        ["partner_name"] = i.PartnerName,
                        ["kind"] = i.Kind.ToString(),
                        ["what"] = i.What,
                        ["ends_at"] = i.EndsAt.ToString("O", CultureInfo.InvariantCulture),
                        ["ended"] = i.HasEnded(now),
                    })]),
                });
                return Done;
            }

            printer.Table(["ends", "partner", "what", ""], items.Select(i => new[]
            {
                i.EndsAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{i.PartnerId} ({i.PartnerName})",
                $"{Kind(i.Kind)}: {i.What}", i.HasEnded(now) ? "ENDED" : $"in {(int)Math.Ceiling((i.EndsAt - now).TotalDays)} days",
            }));
            printer.Line($"{items.Count} ending within {parse.GetValue(days)} days");
            return Done;
        });
        return command;
    }

    private static int Changed(Contracts.Registry.V1.Partner partner, PartnerOutput printer)
    {
        if (printer.IsJson)
        {
            printer.Json(partner);
        }
        else
        {
            printer.Line($"{partner.Id} ({partner.Name}), revision {partner.Revision.ToString(CultureInfo.InvariantCulture)}: {PartnerOutput.StateLine(partner)}");
        }

        return Done;
    }

    private static int FileErrors(PartnerFile file, PartnerOutput printer)
    {
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["message"] = $"{file.Path} has {file.Errors.Count} problems",
                    ["violations"] = new JsonArray([.. file.Errors.Select(e => (JsonNode)new JsonObject
                    {
                        ["field"] = e.Field, ["description"] = e.Message, ["at"] = e.ToString(),
                    })]),
                },
            });
        }
        else
        {
            foreach (var error in file.Errors)
            {
                printer.Line(error.ToString());
            }

            printer.Line($"{file.Path}: {file.Errors.Count} problems; nothing was sent to the registry.");
        }

        return Refused;
    }

    private static string WriteCertificate(string requestPath, string pem)
    {
        var path = Path.ChangeExtension(requestPath, ".pem");
        File.WriteAllText(path, pem);
        return path;
    }

    private static string Kind(ExpiringKind kind) => kind switch
    {
        ExpiringKind.ClientCertificate => "client certificate",
        ExpiringKind.ServerCertificate => "server certificate",
        _ => "covenant",
    };
}
