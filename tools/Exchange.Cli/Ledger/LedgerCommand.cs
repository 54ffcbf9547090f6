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
        command.Subcommands.Add(LedgerVerifyCommand.Create());
        command.Subcommands.Add(CreateCheckProof());
        command.Subcommands.Add(LedgerWitnessCommand.Create());
        command.Subcommands.Add(LedgerCosignCommand.Create());
        command.Subcommands.Add(LedgerBenchCommand.Create());
        return command;
    }

    internal static Option<string?> SqliteOption() => new("--sqlite") { Description = "Path of the ledger's SQLite file." };

    internal static Option<string?> PostgresOption() => new("--postgres") { Description = "Npgsql connection string of the ledger's PostgreSQL database." };

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

    internal static string? ReadKey(string? keyOrFile)
    {
        if (string.IsNullOrWhiteSpace(keyOrFile))
        {
            return null;
        }

        return File.Exists(keyOrFile) ? File.ReadAllText(keyOrFile).Trim() : keyOrFile.Trim();
    }

    internal static async Task<ILedgerStore?> OpenStoreAsync(string? sqlite, string? postgres, CancellationToken cancellationToken)
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
    internal static async Task<bool> ExactlyOneAsync(ParseResult parse, params Option[] options)
    {
        if (options.Count(o => parse.GetResult(o) is not null) == 1)
        {
            return true;
        }

        await Console.Error.WriteLineAsync($"error: give exactly one of {string.Join(", ", options.Select(o => o.Name))}.");
        return false;
    }
}
