using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.PartnerFiles;
using Exchange.ServiceDefaults.Security;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Exchange.Cli.Partner;

/// <summary>
/// What <c>exchange partner</c> prints: tables for people (Spectre.Console), or one JSON document per command for
/// scripts (<c>--output json</c>; registry messages in the protobuf JSON mapping). Errors are printed the same way:
/// the status, the reason code, and every wrong field (in a partner file: at its line and column).
/// </summary>
public sealed class PartnerOutput
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(false));
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly TextWriter _writer;

    public PartnerOutput(TextWriter writer, bool json)
    {
        _writer = writer;
        IsJson = json;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        // Written to a pipe or a file, not a terminal: wide enough that tables do not wrap ids and dates.
        Console.Profile.Width = 160;
    }

    public bool IsJson { get; }

    public IAnsiConsole Console { get; }

    public void Json(IMessage message) => _writer.WriteLine(Formatter.Format(message));

    public void Json(JsonNode node) => _writer.WriteLine(node.ToJsonString(Indented));

    public void Line(string text) => _writer.WriteLine(text);

    public void Table(IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows, string? title = null)
    {
        var table = new Table().Border(TableBorder.Simple);
        if (title is not null)
        {
            table.Title = new TableTitle(title);
        }

        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header)));
        }

        foreach (var row in rows)
        {
            table.AddRow([.. row.Select(cell => (IRenderable)new Text(cell))]);
        }

        Console.Write(table);
    }

    /// <summary>A partner as <c>show</c> prints it: what the applicant is told first (state and any reason), then the details.</summary>
    public void Partner(Contracts.Registry.V1.Partner partner, IReadOnlyList<PartnerChange> history)
    {
        if (IsJson)
        {
            var node = JsonNode.Parse(Formatter.Format(partner))!.AsObject();
            node["history"] = JsonNode.Parse(Formatter.Format(new ListPartnerChangesResponse { Changes = { history } }))?["changes"]?.DeepClone() ?? new JsonArray();
            Json(node);
            return;
        }

        Line($"{partner.Id}  {partner.Name}");
        var facts = new List<(string, string)>
        {
            ("state", StateLine(partner)),
            ("OIN", partner.Oin),
            ("domain", $"{DomainNames.ToName(partner.Domain)}, region {partner.Region}"),
            ("node", partner.Node?.Hosting == NodeHosting.Partner ? $"own node at {partner.Node.Endpoint}" : "the exchange's shared node"),
            ("applied", $"{Time(partner.AppliedAt)} by {partner.AppliedBy}"),
            ("revision", partner.Revision.ToString(CultureInfo.InvariantCulture)),
        };
        if (partner.LastDecision is { Reason.Length: > 0 } decision)
        {
            facts.Insert(1, ("reason", $"{decision.Reason} ({State(decision.State)} by {decision.DecidedBy} at {Time(decision.DecidedAt)})"));
        }

        if (partner.Conformance is { } report)
        {
            facts.Add(("conformance", $"{(report.Passed ? "passed" : "FAILED")} at {Time(report.RanAt)} against {report.Endpoint} (recorded by {report.RecordedBy})"));
        }

        var grid = new Grid().AddColumn(new GridColumn().PadLeft(2).PadRight(2)).AddColumn();
        foreach (var (name, value) in facts)
        {
            grid.AddRow(new Text(name), new Text(value));
        }

        Console.Write(grid);
        var certificates = partner.Certificates.Select(c => (c, "client"))
            .Concat(partner.Node?.ServerCertificate is { } server ? [(server, "server")] : []);
        Table(["certificate", "subject", "sha-256", "valid until", "revoked"],
            certificates.Select(c => new[] { c.Item2, c.Item1.Subject, c.Item1.Sha256Thumbprint, Time(c.Item1.NotAfter), c.Item1.RevokedAt is null ? "" : Time(c.Item1.RevokedAt) }));
        Table(["contact", "team", "e-mail", "telephone"],
            partner.Contacts.Select(c => new[] { Role(c.Role), c.Point?.Team ?? "", c.Point?.Email ?? "", c.Point?.Telephone ?? "" }));
        if (partner.Agreements.Count > 0)
        {
            Table(["covenant", "name", "parties", "from", "to"], partner.Agreements.Select(a => new[]
            {
                a.CovenantId, a.Name, string.Join(", ", a.PartyIds), Day(a.ValidFrom), a.ValidTo is null ? "until further notice" : Day(a.ValidTo),
            }));
        }

        if (partner.Conformance is { Checks.Count: > 0 } checks)
        {
            Table(["check", "severity", "result", "reference"], checks.Checks.Select(c => new[] { c.Id, Severity(c.Severity), Outcome(c.Outcome), c.Reference }));
        }

        Table(["revision", "when", "what", "who", "reason", "ledger entry"], history.Select(c => new[]
        {
            c.Revision.ToString(CultureInfo.InvariantCulture), Time(c.ChangedAt), Action(c.Action), c.Actor, c.Reason, c.LedgerSequence.ToString(CultureInfo.InvariantCulture),
        }), "history");
    }

    /// <summary>One line that tells where an application stands and what comes next.</summary>
    public static string StateLine(Contracts.Registry.V1.Partner partner) => partner.State switch
    {
        RegistrationState.Pending or RegistrationState.Suspended when partner.Approvals.Count > 0 =>
            $"{State(partner.State)}: {partner.Approvals.Count} of 2 approvals ({string.Join(", ", partner.Approvals.Select(a => a.Administrator))}); another administrator must approve",
        RegistrationState.Pending => "pending: waiting for two administrators' approval"
            + (partner.Node?.Hosting == NodeHosting.Partner && partner.Conformance is not { Passed: true } ? " and a passing conformance report (exchange partner check)" : string.Empty),
        RegistrationState.Suspended => "suspended: off the exchange until two administrators approve it again",
        RegistrationState.Rejected => "rejected: the applicant may correct the partner file and register again",
        RegistrationState.Approved => "approved: on the exchange",
        RegistrationState.Revoked => "revoked: off the exchange for good",
        _ => "unknown",
    };

    /// <summary>
    /// A refusal as the user needs it: the status and reason code, and each wrong field (placed in the partner
    /// file, when there is one). Exit code 1 for a refusal, 2 when the registry could not be reached.
    /// </summary>
    public int Error(RpcException exception, PartnerFile? file = null)
    {
        var status = exception.GetRpcStatus();
        var reason = status?.GetDetail<ErrorInfo>()?.Reason ?? string.Empty;
        var violations = status?.GetDetail<BadRequest>()?.FieldViolations.ToList() ?? [];
        var message = status?.Message ?? exception.Status.Detail;
        var located = violations.Select(v => file?.Locate(v.Field, v.Description).ToString() ?? $"{v.Field}: {v.Description}").ToList();
        if (IsJson)
        {
            Json(new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["status"] = exception.StatusCode.ToString(),
                    ["reason"] = reason,
                    ["message"] = message,
                    ["violations"] = new JsonArray([.. violations.Select((v, i) => (JsonNode)new JsonObject
                    {
                        ["field"] = v.Field,
                        ["description"] = v.Description,
                        ["at"] = file is null ? null : located[i],
                    })]),
                },
            });
        }
        else
        {
            Line($"error: {exception.StatusCode}{(reason.Length > 0 ? " " + reason : string.Empty)}: {message}");
            foreach (var line in located)
            {
                Line("  " + line);
            }
        }

        return exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Unauthenticated or StatusCode.Internal
            ? PartnerCommand.CouldNotRun
            : PartnerCommand.Refused;
    }

    public int Problem(string message, int exitCode)
    {
        if (IsJson)
        {
            Json(new JsonObject { ["error"] = new JsonObject { ["message"] = message } });
        }
        else
        {
            Line("error: " + message);
        }

        return exitCode;
    }

    public static string State(RegistrationState state) => state switch
    {
        RegistrationState.Pending => "pending",
        RegistrationState.Approved => "approved",
        RegistrationState.Rejected => "rejected",
        RegistrationState.Suspended => "suspended",
        RegistrationState.Revoked => "revoked",
        _ => "unknown",
    };

    public static string Time(Timestamp? time) =>
        time is null ? string.Empty : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Day(Timestamp? time) =>
        time is null ? string.Empty : time.ToDateTimeOffset().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Role(ContactRole role) => role switch
    {
        ContactRole.Technical => "technical",
        ContactRole.PrivacyOfficer => "privacy officer",
        ContactRole.Cases => "cases",
        ContactRole.Security => "security",
        _ => "",
    };

    private static string Action(PartnerAction action) => action switch
    {
        PartnerAction.Registered => "applied",
        PartnerAction.ApprovalRecorded => "approved (1 of 2)",
        PartnerAction.Approved => "approved",
        PartnerAction.Rejected => "rejected",
        PartnerAction.Suspended => "suspended",
        PartnerAction.Revoked => "revoked",
        PartnerAction.ConformanceRecorded => "conformance report",
        _ => "",
    };

    public static string Severity(CheckSeverity severity) => severity == CheckSeverity.Warning ? "warning" : "failure";

    public static string Outcome(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "passed",
        CheckOutcome.Failed => "FAILED",
        CheckOutcome.Warning => "warning",
        CheckOutcome.Skipped => "skipped",
        _ => "",
    };
}
