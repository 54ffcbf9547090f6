using System.CommandLine;
using System.Globalization;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Storage;
using Exchange.Ledger.Witness;
using static Exchange.Cli.Ledger.LedgerCommand;

namespace Exchange.Cli.Ledger;

/// <summary>
/// <c>exchange ledger cosign</c>: submits the ledger's signed head to a witness, with the consistency proof from the
/// checkpoint the witness cosigned last. Exit 0 cosigned (the cosigned note written), 1 the witness refuses (a rollback
/// or a fork), 2 could not run.
/// </summary>
internal static class LedgerCosignCommand
{
    public static Command Create()
    {
        var sqlite = SqliteOption();
        var postgres = PostgresOption();
        var witness = new Option<string>("--witness") { Description = "The witness's base address, e.g. http://127.0.0.1:7380/.", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the cosigned checkpoint (default: standard output)." };
        var command = new Command("cosign", "Have a witness cosign the ledger's signed head; it refuses when the ledger's history does not extend what it cosigned before.")
        {
            sqlite, postgres, witness, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!await ExactlyOneAsync(parse, sqlite, postgres))
            {
                return CouldNotRun;
            }

            if (!Uri.TryCreate(parse.GetValue(witness), UriKind.Absolute, out var witnessAddress) || witnessAddress.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync("error: --witness is not an http(s) address.");
                return CouldNotRun;
            }

            await using var store = await OpenStoreAsync(parse.GetValue(sqlite), parse.GetValue(postgres), cancellationToken);
            if (store is null)
            {
                return CouldNotRun;
            }

            var key = await store.GetMetadataAsync(LedgerMetadata.VerifierKey, cancellationToken);
            var stored = (await store.ReadSnapshotAsync(cancellationToken)).Head;
            if (key is null || stored is null || SignedCheckpoint.Open(stored.Note, NoteVerifier.Parse(key), out _) is not { } head)
            {
                await Console.Error.WriteLineAsync($"error: {store.Description} has no signed head to submit.");
                return CouldNotRun;
            }

            var tree = new MerkleTree();
            await foreach (var (sequence, leaf) in store.ReadLeafHashesAsync(0, cancellationToken))
            {
                if ((ulong)sequence >= head.TreeSize)
                {
                    break;
                }

                tree.Append(leaf);
            }

            if (tree.Size != head.TreeSize || !tree.RootAt(tree.Size).AsSpan().SequenceEqual(head.RootHash))
            {
                Console.Out.WriteLine("the ledger's entries do not match its signed head; run 'exchange ledger verify'.");
                return DoesNotVerify;
            }

            using var http = new HttpClient { BaseAddress = new Uri(witnessAddress.ToString().TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
            WitnessOutcome outcome;
            try
            {
                outcome = await WitnessSubmission.SubmitAsync(http, head, tree, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                await Console.Error.WriteLineAsync($"error: the witness could not be reached ({exception.HttpRequestError}).");
                return CouldNotRun;
            }

            if (outcome.Cosigned)
            {
                var cosigned = head.Note + outcome.Answer;
                if (parse.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file.FullName, cosigned, cancellationToken);
                }
                else
                {
                    Console.Out.Write(cosigned);
                }

                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cosigned: tree size {head.TreeSize}"));
                return Verified;
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"the witness {(outcome.Refused ? "refuses to" : "could not")} cosign the ledger's head (tree size {head.TreeSize}): {outcome.Status} {outcome.Answer.Trim()}"));
            return outcome.Refused ? DoesNotVerify : CouldNotRun;
        });
        return command;
    }
}
