using System.CommandLine;
using System.Globalization;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Export;
using Exchange.Ledger.Storage;
using Exchange.Ledger.Verification;
using Exchange.Ledger.Witness;
using static Exchange.Cli.Ledger.LedgerCommand;

namespace Exchange.Cli.Ledger;

/// <summary>
/// <c>exchange ledger verify</c>: a live store or an export, against its own signed checkpoints and against
/// checkpoints held elsewhere (<c>--trusted-checkpoint</c>: from receipts, witnesses, an earlier export).
/// Exit 0 verified, 1 does not verify (the first bad entry named), 2 could not run (the file or line named).
/// </summary>
internal static class LedgerVerifyCommand
{
    public static Command Create()
    {
        var sqlite = SqliteOption();
        var postgres = PostgresOption();
        var export = new Option<FileInfo?>("--export") { Description = "An export file to verify offline." };
        var publicKey = new Option<string?>("--public-key")
        {
            Description = "The ledger's verifier key (name+keyid+base64key) or a file holding it. Required with --export; "
                + "for a live store the key the store recorded at first start is used when omitted.",
        };
        var trusted = new Option<FileInfo[]>("--trusted-checkpoint")
        {
            Description = "A checkpoint kept outside the ledger (a signed note from a receipt, a witness or an earlier export), one per "
                + "file; give several. The ledger must contain each one's tree exactly: a cut tail names its first missing entry.",
            AllowMultipleArgumentsPerToken = true,
        };
        var allowUnsigned = new Option<bool>("--allow-unsigned")
        {
            Description = "Accept entries that no signed checkpoint covers (a ledger without checkpoints, or entries after its latest). "
                + "The ledger signs every commit, so without this they fail verification.",
        };
        var witnessKeys = new Option<string[]>("--witness-key")
        {
            Description = "A witness's verifier key (name+keyid+base64key) or a file holding it; give one per witness. A live store's "
                + "latest cosignature by each is checked as a checkpoint held elsewhere, and verify says whether the latest checkpoint is cosigned.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("verify",
            "Recompute every leaf, the Merkle tree and each signed checkpoint, also those held elsewhere; name the first entry that does not verify.")
        {
            sqlite, postgres, export, publicKey, trusted, allowUnsigned, witnessKeys,
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

            var checkpoints = await ReadTrustedAsync(parse.GetValue(trusted) ?? [], cancellationToken);
            if (checkpoints is null)
            {
                return CouldNotRun;
            }

            var options = new VerificationOptions(checkpoints, parse.GetValue(allowUnsigned));
            var key = ReadKey(parse.GetValue(publicKey));
            if (parse.GetValue(export) is { } file)
            {
                return await VerifyExportAsync(file, key!, options, cancellationToken);
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

                IReadOnlyList<WitnessCosignature> cosignatures;
                try
                {
                    var ledgerKey = key ?? await store.GetMetadataAsync(LedgerMetadata.VerifierKey, cancellationToken);
                    var witnesses = (parse.GetValue(witnessKeys) ?? []).Select(k => ReadKey(k)!).ToList();
                    cosignatures = ledgerKey is null || witnesses.Count == 0
                        ? []
                        : await WitnessCosignatures.ReadAsync(store, NoteVerifier.Parse(ledgerKey), witnesses, cancellationToken);
                }
                catch (FormatException exception)
                {
                    await Console.Error.WriteLineAsync($"error: {exception.Message}");
                    return CouldNotRun;
                }

                // A witness's cosigned checkpoint is evidence the ledger's operator cannot forge: the ledger must contain its tree.
                options = options with
                {
                    Trusted = [.. options.Trusted, .. cosignatures.Where(c => c.Note is not null).Select(c => new TrustedCheckpoint($"cosigned by {c.Witness}", c.Note!))],
                };
                var report = await LedgerVerifier.VerifyStoreAsync(store, key, options, cancellationToken);
                var exit = Report(report, store.Description, options);
                if (report.Succeeded && cosignatures.Count > 0)
                {
                    ReportCosignatures(report, cosignatures);
                }
                else if (report.Succeeded && (await store.ReadCosignaturesAsync(cancellationToken)).Select(c => c.Witness).Distinct().ToList() is [_, ..] holders)
                {
                    Console.Out.WriteLine($"note: the store holds cosignatures by {string.Join(", ", holders)}; pass --witness-key to check them.");
                }

                return exit;
            }
        });
        return command;
    }

    /// <summary>Each file's signed note, as written (a signature covers exact bytes); null when a file is missing or is no note.</summary>
    private static async Task<IReadOnlyList<TrustedCheckpoint>?> ReadTrustedAsync(FileInfo[] files, CancellationToken cancellationToken)
    {
        var checkpoints = new List<TrustedCheckpoint>(files.Length);
        foreach (var file in files)
        {
            if (!file.Exists)
            {
                await Console.Error.WriteLineAsync($"error: {file.FullName} does not exist.");
                return null;
            }

            var note = (await File.ReadAllTextAsync(file.FullName, cancellationToken)).TrimStart('\uFEFF');
            if (!note.Contains("\n\n\u2014 ", StringComparison.Ordinal) || !note.EndsWith('\n'))
            {
                await Console.Error.WriteLineAsync($"error: {file.FullName} is not a signed checkpoint (a signed note: text, a blank line, signature lines).");
                return null;
            }

            checkpoints.Add(new TrustedCheckpoint(file.Name, note));
        }

        return checkpoints;
    }

    private static async Task<int> VerifyExportAsync(FileInfo file, string key, VerificationOptions options, CancellationToken cancellationToken)
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
                report = await new LedgerVerifier(verifier).VerifyAsync(reader.ReadEntriesAsync(cancellationToken), reader.CheckpointNotes, options, cancellationToken);
            }
            catch (LedgerExportException exception)
            {
                return await MalformedAsync(file, exception);
            }

            return Report(report, file.FullName, options);
        }
    }

    /// <summary>A file that is not a well-formed export could not be verified at all: exit 2, with the line and what is wrong.</summary>
    private static async Task<int> MalformedAsync(FileInfo file, LedgerExportException exception)
    {
        await Console.Error.WriteLineAsync($"error: {file.FullName} is not a well-formed ledger export: {exception.Message}");
        return CouldNotRun;
    }

    /// <summary>Cosigning follows the ledger by seconds, so a latest checkpoint without its cosignature is said, not failed.</summary>
    private static void ReportCosignatures(VerificationReport report, IReadOnlyList<WitnessCosignature> cosignatures)
    {
        foreach (var cosignature in cosignatures)
        {
            var latest = report.LatestCheckpointSize ?? 0;
            Console.Out.WriteLine(cosignature.Latest is not { } cosigned
                ? string.Create(CultureInfo.InvariantCulture, $"note: checkpoint {latest} not co-signed by witness {cosignature.Witness}: the store holds no cosignature of it")
                : cosigned.TreeSize >= latest
                    ? string.Create(CultureInfo.InvariantCulture, $"checkpoint {cosigned.TreeSize} co-signed by witness {cosignature.Witness}")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"note: checkpoint {latest} not co-signed by witness {cosignature.Witness}; its latest cosignature covers tree size {cosigned.TreeSize}"));
        }
    }

    private static int Report(VerificationReport report, string source, VerificationOptions options)
    {
        if (!report.Succeeded)
        {
            Console.Out.WriteLine(report.FirstBadSequence is { } bad
                ? string.Create(CultureInfo.InvariantCulture, $"entry {bad} does not verify: {report.Failure}")
                : $"ledger does not verify: {report.Failure}");
            return DoesNotVerify;
        }

        var trusted = report.TrustedCheckpointsVerified > 0
            ? string.Create(CultureInfo.InvariantCulture, $", consistent with {report.TrustedCheckpointsVerified} trusted checkpoints")
            : string.Empty;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ledger verified: {report.EntriesVerified} entries and {report.CheckpointsVerified} signed checkpoints in {source}{trusted}; root {Convert.ToBase64String(report.RootHash)}"));
        if (report.CoveredEntries < report.EntriesVerified)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: entries {report.CoveredEntries} to {report.EntriesVerified - 1} are covered by no signed checkpoint; accepted because of --allow-unsigned."));
        }

        if (options.Trusted.Count == 0)
        {
            Console.Out.WriteLine("note: checked against the ledger's own checkpoints only. A tail cut off together with its checkpoints shows only "
                + "against checkpoints kept elsewhere: pass them with --trusted-checkpoint (from receipts or witnesses).");
        }

        return Verified;
    }
}
