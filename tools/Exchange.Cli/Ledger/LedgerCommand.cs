using System.CommandLine;
using System.Globalization;
using Exchange.Ledger;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Export;
using Exchange.Ledger.Storage;
using Exchange.Ledger.Verification;

namespace Exchange.Cli.Ledger;

/// <summary>
/// <c>exchange ledger export|verify|bench</c>. Exit codes: 0 verified / done, 1 the ledger does not
/// verify, 2 the command could not run (bad arguments, store or file unreachable).
/// </summary>
public static class LedgerCommand
{
    public const int Verified = 0;
    public const int DoesNotVerify = 1;
    public const int CouldNotRun = 2;

    public static Command Create()
    {
        var command = new Command("ledger", "Export and verify the disclosure ledger, and benchmark its stores.");
        command.Subcommands.Add(CreateExport());
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateCheckProof());
        command.Subcommands.Add(LedgerBenchCommand.Create());
        return command;
    }

    private static Option<string?> SqliteOption() => new("--sqlite") { Description = "Path of the ledger's SQLite file." };

    private static Option<string?> PostgresOption() => new("--postgres") { Description = "Npgsql connection string of the ledger's PostgreSQL database." };

    private static Command CreateExport()
    {
        var sqlite = SqliteOption();
        var postgres = PostgresOption();
        var output = new Option<FileInfo>("--out") { Description = "File to write (JSON lines; see docs/ledger.md).", Required = true };
        var command = new Command("export", "Write the ledger's entries and signed checkpoints to a file.") { sqlite, postgres, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!await ExactlyOneAsync(parse, sqlite, postgres))
            {
                return CouldNotRun;
            }

            var store = await OpenStoreAsync(parse.GetValue(sqlite), parse.GetValue(postgres), cancellationToken);
            if (store is null)
            {
                return CouldNotRun;
            }

            await using (store)
            {
                var path = parse.GetValue(output)!.FullName;
                await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                var header = await LedgerExport.WriteAsync(store, file, TimeProvider.System, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"exported {header.EntryCount} entries and {header.CheckpointCount} signed checkpoints from {store.Description} to {path}"));
                return Verified;
            }
        });
        return command;
    }

    private static Command CreateVerify()
    {
        var sqlite = SqliteOption();
        var postgres = PostgresOption();
        var export = new Option<FileInfo?>("--export") { Description = "An export file to verify offline." };
        var publicKey = new Option<string?>("--public-key")
        {
            Description = "The ledger's verifier key (name+keyid+base64key) or a file holding it. Required with --export; "
                + "for a live store the key the store recorded at first start is used when omitted.",
        };
        var command = new Command("verify",
            "Recompute every leaf, the Merkle tree and each signed checkpoint; name the first entry that does not verify.")
        {
            sqlite, postgres, export, publicKey,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!await ExactlyOneAsync(parse, sqlite, postgres, export))
            {
                return CouldNotRun;
            }

            if (parse.GetValue(export) is not null && string.IsNullOrWhiteSpace(parse.GetValue(publicKey)))
            {
                await Console.Error.WriteLineAsync("error: --export needs --public-key: an export is verified against the key you trust, not the one it carries.");
                return CouldNotRun;
            }

            var key = ReadKey(parse.GetValue(publicKey));
            if (parse.GetValue(export) is { } file)
            {
                return await VerifyExportAsync(file, key!, cancellationToken);
            }

            var store = await OpenStoreAsync(parse.GetValue(sqlite), parse.GetValue(postgres), cancellationToken);
            if (store is null)
            {
                return CouldNotRun;
            }

            await using (store)
            {
                if (key is null)
                {
                    Console.Out.WriteLine("note: verifying against the public key recorded in the store; pass --public-key to check against the published one.");
                }

                var report = await LedgerVerifier.VerifyStoreAsync(store, key, cancellationToken);
                return Report(report, store.Description);
            }
        });
        return command;
    }

    /// <summary>Checks one entry's proof file (downloaded from the privacy officers' console) offline.</summary>
    private static Command CreateCheckProof()
    {
        var file = new Option<FileInfo>("--file") { Description = "The proof file (exchange-inclusion-proof/1).", Required = true };
        var publicKey = new Option<string>("--public-key") { Description = "The ledger's verifier key you trust, or a file holding it.", Required = true };
        var command = new Command("check-proof", "Check that one entry is in the ledger: its inclusion proof against a signed checkpoint.") { file, publicKey };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"error: {path.FullName} does not exist.");
                return CouldNotRun;
            }

            NoteVerifier verifier;
            try
            {
                verifier = NoteVerifier.Parse(ReadKey(parse.GetValue(publicKey))!);
            }
            catch (FormatException)
            {
                await Console.Error.WriteLineAsync("error: --public-key is not a verifier key (name+keyid+base64key).");
                return CouldNotRun;
            }

            var check = InclusionProofFile.Check(await File.ReadAllBytesAsync(path.FullName, cancellationToken), verifier);
            Console.Out.WriteLine(check.Verified
                ? string.Create(CultureInfo.InvariantCulture, $"entry {check.Sequence} is in the ledger: the proof leads to the signed checkpoint of tree size {check.TreeSize} ({check.SignedAt:u})")
                : string.Create(CultureInfo.InvariantCulture, $"entry {check.Sequence} does not verify: {check.Failure}"));
            return check.Verified ? Verified : DoesNotVerify;
        });
        return command;
    }

    private static async Task<int> VerifyExportAsync(FileInfo file, string key, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"error: {file.FullName} does not exist.");
            return CouldNotRun;
        }

        NoteVerifier verifier;
        try
        {
            verifier = NoteVerifier.Parse(key);
        }
        catch (FormatException exception)
        {
            await Console.Error.WriteLineAsync($"error: the public key is not a verifier key: {exception.Message}");
            return CouldNotRun;
        }

        ExportReader reader;
        try
        {
            reader = await LedgerExport.OpenAsync(file.FullName, cancellationToken);
        }
        catch (LedgerExportException exception)
        {
            return await MalformedAsync(file, exception);
        }

        using (reader)
        {
            VerificationReport report;
            try
            {
                report = await new LedgerVerifier(verifier).VerifyAsync(reader.ReadEntriesAsync(cancellationToken), reader.CheckpointNotes, cancellationToken);
            }
            catch (LedgerExportException exception)
            {
                return await MalformedAsync(file, exception);
            }

            return Report(report, file.FullName);
        }
    }

    /// <summary>A file that is not a well-formed export could not be verified at all: exit 2, with the line and what is wrong.</summary>
    private static async Task<int> MalformedAsync(FileInfo file, LedgerExportException exception)
    {
        await Console.Error.WriteLineAsync($"error: {file.FullName} is not a well-formed ledger export: {exception.Message}");
        return CouldNotRun;
    }

    private static int Report(VerificationReport report, string source)
    {
        if (report.Succeeded)
        {
            var latest = report.LatestCheckpointSize;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ledger verified: {report.EntriesVerified} entries and {report.CheckpointsVerified} signed checkpoints in {source}; root {Convert.ToBase64String(report.RootHash)}"));
            if (latest is null)
            {
                Console.Out.WriteLine("warning: no signed checkpoint: the entries are self-consistent but nothing vouches for them yet.");
            }
            else if (latest < report.EntriesVerified)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"note: entries {latest} to {report.EntriesVerified - 1} are after the latest signed checkpoint ({latest}); the next checkpoint will cover them."));
            }

            return Verified;
        }

        Console.Out.WriteLine(report.FirstBadSequence is { } bad
            ? string.Create(CultureInfo.InvariantCulture, $"entry {bad} does not verify: {report.Failure}")
            : $"ledger does not verify: {report.Failure}");
        return DoesNotVerify;
    }

    private static string? ReadKey(string? keyOrFile)
    {
        if (string.IsNullOrWhiteSpace(keyOrFile))
        {
            return null;
        }

        return File.Exists(keyOrFile) ? File.ReadAllText(keyOrFile).Trim() : keyOrFile.Trim();
    }

    private static async Task<ILedgerStore?> OpenStoreAsync(string? sqlite, string? postgres, CancellationToken cancellationToken)
    {
        if (sqlite is not null && !File.Exists(sqlite))
        {
            await Console.Error.WriteLineAsync($"error: {Path.GetFullPath(sqlite)} does not exist.");
            return null;
        }

        ILedgerStore store = sqlite is not null ? new SqliteLedgerStore(sqlite) : new PostgresLedgerStore(postgres!);
        try
        {
            await store.InitializeAsync(cancellationToken);
            return store;
        }
        catch (System.Data.Common.DbException exception)
        {
            await store.DisposeAsync();
            await Console.Error.WriteLineAsync($"error: cannot open {store.Description} ({exception.GetType().Name}).");
            return null;
        }
    }

    /// <summary>Checked in the action rather than as a parser validator, so a usage error exits 2, never 1 ("does not verify").</summary>
    private static async Task<bool> ExactlyOneAsync(ParseResult parse, params Option[] options)
    {
        if (options.Count(o => parse.GetResult(o) is not null) == 1)
        {
            return true;
        }

        await Console.Error.WriteLineAsync($"error: give exactly one of {string.Join(", ", options.Select(o => o.Name))}.");
        return false;
    }
}
