using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger.Export;
using Exchange.Ledger.Storage;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Replay;

namespace Exchange.Cli.Policy;

/// <summary>
/// <c>exchange policy replay --bundle DIR --ledger FILE [--output text|json]</c>: decides a candidate bundle over the
/// decisions a ledger recorded (a SQLite ledger file or an export, see docs/ledger.md) and prints, per organisation
/// pair and per rule, which decisions would change and how. Exit codes: 0 replayed, 2 could not run.
/// </summary>
public static class PolicyReplayCommand
{
    public const int Replayed = 0;
    public const int CouldNotRun = 2;

    private const int Page = 1000;
    private static readonly byte[] SqliteHeader = Encoding.ASCII.GetBytes("SQLite format 3\0");
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var bundle = new Option<string>("--bundle") { Description = "The candidate bundle directory", Required = true };
        var ledger = new Option<string>("--ledger") { Description = "The ledger's SQLite file, or an export of it (exchange ledger export)", Required = true };
        var output = new Option<string>("--output") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("replay", "Decide a candidate bundle over a ledger's recorded decisions and show which would change") { bundle, ledger, output };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(bundle)!, parse.GetValue(ledger)!, parse.GetValue(output) == "json", parse.InvocationConfiguration.Output, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string bundleDirectory, string ledgerPath, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(bundleDirectory))
        {
            await output.WriteLineAsync($"{bundleDirectory}: no such directory");
            return CouldNotRun;
        }

        // A candidate need not pass its own test cases: judging how it differs is the point.
        var loaded = BundleLoader.Load(bundleDirectory);
        if (loaded.Bundle is not { } candidate)
        {
            foreach (var error in loaded.Errors)
            {
                await output.WriteLineAsync(error.ToString());
            }

            await output.WriteLineAsync($"bundle rejected: {loaded.Errors.Count} errors");
            return CouldNotRun;
        }

        if (!File.Exists(ledgerPath))
        {
            await output.WriteLineAsync($"{ledgerPath}: no such file");
            return CouldNotRun;
        }

        IReadOnlyList<LedgerEntry> entries;
        try
        {
            entries = await ReadAsync(ledgerPath, cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or JsonException or FormatException or KeyNotFoundException or Google.Protobuf.InvalidProtocolBufferException or System.Data.Common.DbException)
        {
            await output.WriteLineAsync($"{ledgerPath}: not a ledger or a ledger export ({exception.GetType().Name})");
            return CouldNotRun;
        }

        var decisions = DecisionReplay.FromLedger(entries, out var withoutFacts);
        var report = DecisionReplay.Run(candidate, decisions, withoutFacts);
        await output.WriteAsync(json ? Json(report, ledgerPath) : Text(report, ledgerPath));
        return Replayed;
    }

    private static async Task<IReadOnlyList<LedgerEntry>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var entries = new List<LedgerEntry>();
        var header = new byte[SqliteHeader.Length];
        await using (var file = File.OpenRead(path))
        {
            await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        }

        if (header.AsSpan().SequenceEqual(SqliteHeader))
        {
            await using var store = new SqliteLedgerStore(path);
            await store.InitializeAsync(cancellationToken);
            while (true)
            {
                var rows = await store.ReadRowsAsync((ulong)entries.Count, Page, cancellationToken);
                entries.AddRange(rows.Select(r => LedgerEntry.Parser.ParseFrom(r.Entry)));
                if (rows.Count < Page)
                {
                    return entries;
                }
            }
        }

        using var export = await LedgerExport.OpenAsync(path, cancellationToken);
        await foreach (var entry in export.ReadEntriesAsync(cancellationToken))
        {
            entries.Add(LedgerEntry.Parser.ParseFrom(entry.Entry));
        }

        return entries;
    }

    private static string Text(ReplayReport report, string ledger)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"candidate bundle {report.BundleId} {report.BundleVersion} sha256:{report.BundleHash}");
        text.AppendLine(CultureInfo.InvariantCulture, $"recorded decisions in {ledger}, under bundle {string.Join(", ", report.RecordedUnderBundles.Select(h => "sha256:" + h))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{report.Replayed} replayed: {report.Unchanged} unchanged, {report.Changes.Count} changed");
        if (report.NotReplayable > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{report.NotReplayable} not replayed: recorded without the facts they rested on");
        }

        foreach (var pair in report.ByPair)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{pair.Key.Holder} -> {pair.Key.Recipient}: {pair.Count()} changed");
            foreach (var change in pair)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {Describe(change)}");
            }
        }

        if (report.Changes.Count > 0)
        {
            text.AppendLine().AppendLine("by rule:");
            foreach (var rule in report.ByRule)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {rule.Key}: {rule.Count()} changed ({string.Join(", ", rule.Select(c => c.Recorded.DecisionId))})");
            }
        }

        return text.ToString();
    }

    private static string Describe(ReplayedChange change)
    {
        var recorded = change.Recorded;
        var what = $"{recorded.DecidedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} {Name(recorded.Request.Kind)} {Name(recorded.Request.Purpose)} decision {recorded.DecisionId}: ";
        if (change.Replayed is not { } replayed)
        {
            return what + $"{Name(recorded.Outcome.Decision)} -> refused as invalid ({change.Refused})";
        }

        var parts = new List<string> { $"{Name(recorded.Outcome.Decision)} -> {Name(replayed.Decision)}" };
        if (change.ReleasedAdded.Any() || change.ReleasedRemoved.Any())
        {
            parts.Add("released " + string.Join(" ", change.ReleasedAdded.Select(c => "+" + Name(c)).Concat(change.ReleasedRemoved.Select(c => "-" + Name(c)))));
        }

        if (recorded.Outcome.ReasonCode != replayed.ReasonCode)
        {
            parts.Add($"reason {Or(recorded.Outcome.ReasonCode)} -> {Or(replayed.ReasonCode)}");
        }

        if (recorded.Outcome.LegalBasis != replayed.LegalBasis)
        {
            parts.Add($"legal basis {Or(recorded.Outcome.LegalBasis)} -> {Or(replayed.LegalBasis)}");
        }

        return what + string.Join(", ", parts);
    }

    private static string Json(ReplayReport report, string ledger)
    {
        static object Outcome(DecisionOutcome outcome) => new
        {
            decision = Name(outcome.Decision),
            released = outcome.Released.Order().Select(Name),
            reason_code = outcome.ReasonCode,
            legal_basis = outcome.LegalBasis,
            rules = outcome.RuleIds,
        };

        var document = new
        {
            bundle = new { id = report.BundleId, version = report.BundleVersion, hash = report.BundleHash },
            ledger,
            recorded_under = report.RecordedUnderBundles,
            replayed = report.Replayed,
            unchanged = report.Unchanged,
            changed = report.Changes.Count,
            not_replayable = report.NotReplayable,
            changes = report.Changes.Select(c => new
            {
                decision_id = c.Recorded.DecisionId,
                decided_at = c.Recorded.DecidedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
                holder = c.Recorded.Holder,
                recipient = c.Recorded.Recipient,
                kind = Name(c.Recorded.Request.Kind),
                purpose = Name(c.Recorded.Request.Purpose),
                recorded = Outcome(c.Recorded.Outcome),
                replayed = c.Replayed is { } replayed ? Outcome(replayed) : null,
                refused = c.Refused,
                released_added = c.ReleasedAdded.Select(Name),
                released_removed = c.ReleasedRemoved.Select(Name),
            }),
            by_pair = report.ByPair.Select(g => new { holder = g.Key.Holder, recipient = g.Key.Recipient, changed = g.Count(), decisions = g.Select(c => c.Recorded.DecisionId) }),
            by_rule = report.ByRule.Select(g => new { rule = g.Key, changed = g.Count(), decisions = g.Select(c => c.Recorded.DecisionId) }),
        };
        return JsonSerializer.Serialize(document, Indented) + Environment.NewLine;
    }

    private static string Name(Decision decision) => Vocabularies.Decisions.NameOf(decision);

    private static string Name(DataCategory category) => Vocabularies.Categories.NameOf(category);

    private static string Name(Purpose purpose) => Vocabularies.Purposes.NameOf(purpose);

    private static string Name(DisclosureKind kind) => Vocabularies.Kinds.NameOf(kind);

    private static string Or(string value) => value.Length > 0 ? value : "(none)";
}
