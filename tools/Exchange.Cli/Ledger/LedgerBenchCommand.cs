using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger;
using Exchange.Ledger.Hosting;
using Npgsql;

namespace Exchange.Cli.Ledger;

/// <summary>
/// <c>exchange ledger bench</c>: durable appends per second and append latency, group commit versus
/// one commit per append, on SQLite (and PostgreSQL when given), at each writer count, in one run.
/// Each cell gets a fresh ledger, a warm-up, then a fixed measuring window; every append awaited is durable.
/// </summary>
internal static class LedgerBenchCommand
{
    private static readonly bool[] CommitModes = [true, false];

    public static Command Create()
    {
        var sqliteDirectory = new Option<DirectoryInfo?>("--sqlite-dir") { Description = "Directory for the SQLite files (default: a temporary directory)." };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string; each run gets its own schema, dropped afterwards." };
        var seconds = new Option<double>("--seconds") { Description = "Measuring window per cell.", DefaultValueFactory = _ => 3 };
        var warmup = new Option<double>("--warmup") { Description = "Warm-up per cell, not measured.", DefaultValueFactory = _ => 1 };
        var writers = new Option<string>("--writers") { Description = "Concurrent writer counts.", DefaultValueFactory = _ => "1,16,64" };
        var output = new Option<FileInfo?>("--out") { Description = "Also write the Markdown table to this file." };
        var command = new Command("bench", "Measure durable append throughput and latency: group commit versus one commit per append.")
        {
            sqliteDirectory, postgres, seconds, warmup, writers, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var writerCounts = parse.GetValue(writers)!.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
            var ownDirectory = parse.GetValue(sqliteDirectory) is null;
            var directory = parse.GetValue(sqliteDirectory) ?? Directory.CreateTempSubdirectory("ledger-bench-");
            var window = TimeSpan.FromSeconds(parse.GetValue(seconds));
            var warm = TimeSpan.FromSeconds(parse.GetValue(warmup));
            var results = new List<BenchResult>();
            var stores = new List<LedgerStoreKind> { LedgerStoreKind.Sqlite };
            if (parse.GetValue(postgres) is not null)
            {
                stores.Add(LedgerStoreKind.Postgres);
            }

            foreach (var store in stores)
            {
                foreach (var groupCommit in CommitModes)
                {
                    foreach (var count in writerCounts)
                    {
                        var result = await RunCellAsync(store, groupCommit, count, directory, parse.GetValue(postgres), warm, window, cancellationToken);
                        results.Add(result);
                        Console.Error.WriteLine(result.ToString());
                    }
                }
            }

            if (ownDirectory)
            {
                directory.Delete(recursive: true);
            }

            var table = Table(results);
            Console.Out.Write(table);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, table, cancellationToken);
            }

            return 0;
        });
        return command;
    }

    private static async Task<BenchResult> RunCellAsync(
        LedgerStoreKind store, bool groupCommit, int writers, DirectoryInfo directory, string? postgres,
        TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken)
    {
        var name = $"bench-{store}-{(groupCommit ? "group" : "single")}-{writers}-{Guid.NewGuid():N}".ToLowerInvariant();
        var schema = name.Replace('-', '_');
        var options = new LedgerOptions
        {
            Store = store,
            SqlitePath = Path.Combine(directory.FullName, name + ".db"),
            PostgresConnectionString = postgres is null ? null : new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString,
            SigningKeyPath = Path.Combine(directory.FullName, name + ".key"),
            GroupCommit = groupCommit,
        };
        if (store == LedgerStoreKind.Postgres)
        {
            await ExecuteAsync(postgres!, $"CREATE SCHEMA {schema}", cancellationToken);
        }

        try
        {
            await using var ledger = await DisclosureLedger.OpenAsync(options, cancellationToken: cancellationToken);
            var measuring = false;
            var stop = false;
            var latencies = Enumerable.Range(0, writers).Select(_ => new List<long>(1 << 16)).ToArray();
            var commitsBefore = 0L;
            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var mine = latencies[w];
                var i = 0;
                while (!Volatile.Read(ref stop))
                {
                    var entry = Entry(w, i++);
                    var started = Stopwatch.GetTimestamp();
                    await ledger.AppendAsync([entry], cancellationToken);
                    if (Volatile.Read(ref measuring))
                    {
                        mine.Add(Stopwatch.GetTimestamp() - started);
                    }
                }
            }, cancellationToken)).ToArray();

            await Task.Delay(warmup, cancellationToken);
            commitsBefore = ledger.Commits;
            var clock = Stopwatch.StartNew();
            Volatile.Write(ref measuring, true);
            await Task.Delay(window, cancellationToken);
            Volatile.Write(ref measuring, false);
            var elapsed = clock.Elapsed;
            var commits = ledger.Commits - commitsBefore;
            Volatile.Write(ref stop, true);
            await Task.WhenAll(tasks);

            var all = latencies.SelectMany(l => l).Order().ToArray();
            double Percentile(double p) => all.Length == 0 ? double.NaN
                : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
            return new BenchResult(store, groupCommit, writers, all.Length / elapsed.TotalSeconds, Percentile(0.5), Percentile(0.99),
                commits == 0 ? 0 : all.Length / (double)commits);
        }
        finally
        {
            if (store == LedgerStoreKind.Postgres)
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(postgres!, $"DROP SCHEMA {schema} CASCADE", CancellationToken.None);
            }
            else
            {
                foreach (var file in directory.GetFiles(name + "*"))
                {
                    file.Delete();
                }
            }
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The schema name is generated here from a GUID, never from input.
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A decision entry of realistic size (about 300 bytes), different for every append.</summary>
    private static LedgerEntry Entry(int writer, int index) => new()
    {
        Kind = EntryKind.Decision,
        TraceId = $"{writer:x8}{index:x24}",
        DecisionId = $"dec-{writer}-{index}",
        Requester = new Actor { OrganisationId = "rvdk-zuidwest", Role = "raadsonderzoeker", ProfessionalId = $"prof-{writer}" },
        HolderOrganisationId = "vt-mwb",
        SubjectPseudonym = $"psn-{writer}-{index % 1000}",
        Purpose = Purpose.ChildProtectionInvestigation,
        LegalBasisId = "bw-1-240",
        Requested = { DataCategory.Safety, DataCategory.Incident, DataCategory.Health },
        Released = { DataCategory.Safety, DataCategory.Incident },
        Denied = { new CategoryDenial { Category = DataCategory.Health, ReasonCode = "PURPOSE_NOT_COVERED", RuleId = "rule-12" } },
        Decision = Decision.PartialPermit,
        RuleIds = { "rule-3", "rule-7", "rule-12" },
        BundleId = "bundle-2026-11",
        BundleHash = "sha256:9f2c4e1d0b7a5c3e8f6a4d2b0c9e7f5a3d1b9c7e5f3a1d9b7c5e3f1a9d7b5c3e",
        Obligations = { new Obligation { Kind = ObligationKind.Retention, RetentionDays = 365 }, new Obligation { Kind = ObligationKind.NoOnwardSharing } },
        ReviewState = ReviewState.NotRequired,
        DisclosureKind = DisclosureKind.Pull,
    };

    private static string Table(List<BenchResult> results)
    {
        var builder = new StringBuilder();
        builder.AppendLine("| store | commit mode | writers | durable appends/s | p50 latency (ms) | p99 latency (ms) | entries per commit |");
        builder.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"| {r.Store} | {(r.GroupCommit ? "group commit" : "one commit per append")} | {r.Writers} | {r.AppendsPerSecond:N0} | {r.P50Milliseconds:F2} | {r.P99Milliseconds:F2} | {r.EntriesPerCommit:F1} |");
        }

        foreach (var store in results.Select(r => r.Store).Distinct())
        {
            var group = results.Where(r => r.Store == store && r.GroupCommit).Max(r => r.AppendsPerSecond);
            var single = results.Where(r => r.Store == store && !r.GroupCommit).Max(r => r.AppendsPerSecond);
            builder.AppendLine();
            builder.AppendLine(CultureInfo.InvariantCulture,
                $"{store}: best group commit {group:N0}/s vs best one-commit-per-append {single:N0}/s = {group / single:F1}x");
        }

        return builder.ToString();
    }

    private sealed record BenchResult(
        LedgerStoreKind Store, bool GroupCommit, int Writers, double AppendsPerSecond, double P50Milliseconds, double P99Milliseconds, double EntriesPerCommit)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Store} {(GroupCommit ? "group" : "single")} writers={Writers}: {AppendsPerSecond:N0}/s p50={P50Milliseconds:F2}ms p99={P99Milliseconds:F2}ms batch={EntriesPerCommit:F1}");
    }
}
