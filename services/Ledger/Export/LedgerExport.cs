using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Exchange.Ledger.Storage;
using Exchange.Ledger.Verification;

namespace Exchange.Ledger.Export;

/// <summary>The first line of an export.</summary>
public sealed record ExportHeader(string Format, string? VerifierKey, ulong EntryCount, int CheckpointCount, DateTimeOffset ExportedAt);

/// <summary>
/// The export file: JSON lines, UTF-8. Line 1 is the header
/// <c>{"format":"exchange-ledger-export/1","verifier_key":…,"entries":N,"checkpoints":M,"exported_at":…}</c>;
/// then one line per signed checkpoint <c>{"tree_size":N,"note":"…"}</c>; then one line per entry in
/// sequence order <c>{"sequence":N,"entry":"base64 canonical protobuf"}</c>. The entry bytes are exactly
/// what the leaf was hashed from, so the file can be verified offline with only the public key; the
/// verifier key in the header is informational and is never trusted by <c>verify</c>.
/// </summary>
public static class LedgerExport
{
    public const string Format = "exchange-ledger-export/1";

    /// <summary>
    /// Writes the store's checkpoints, its signed head, and the entries the store held when the export began, so
    /// that appends made meanwhile do not make the export ragged and the head covers every entry exported.
    /// </summary>
    public static async Task<ExportHeader> WriteAsync(ILedgerStore store, Stream output, TimeProvider clock, CancellationToken cancellationToken)
    {
        var checkpoints = (await store.ReadCheckpointsAsync(cancellationToken)).ToList();
        var snapshot = await store.ReadSnapshotAsync(cancellationToken);
        if (snapshot.Head is { } head && !checkpoints.Any(c => string.Equals(c.Note, head.Note, StringComparison.Ordinal)))
        {
            checkpoints.Add(head);
        }

        var count = snapshot.EntryCount;
        var header = new ExportHeader(Format, await store.GetMetadataAsync(LedgerMetadata.VerifierKey, cancellationToken),
            count, checkpoints.Count, clock.GetUtcNow());
        var options = new JsonWriterOptions { Indented = false, SkipValidation = false };
        var newline = "\n"u8.ToArray();

        async Task WriteLineAsync(Action<Utf8JsonWriter> write)
        {
            await using (var json = new Utf8JsonWriter(output, options))
            {
                json.WriteStartObject();
                write(json);
                json.WriteEndObject();
            }

            await output.WriteAsync(newline, cancellationToken);
        }

        await WriteLineAsync(json =>
        {
            json.WriteString("format", header.Format);
            json.WriteString("verifier_key", header.VerifierKey);
            json.WriteNumber("entries", header.EntryCount);
            json.WriteNumber("checkpoints", header.CheckpointCount);
            json.WriteString("exported_at", header.ExportedAt);
        });

        foreach (var checkpoint in checkpoints)
        {
            await WriteLineAsync(json =>
            {
                json.WriteNumber("tree_size", checkpoint.TreeSize);
                json.WriteString("note", checkpoint.Note);
            });
        }

        var written = 0UL;
        await foreach (var row in LedgerVerifier.ReadStore(store, snapshot.LastSequence ?? -1, cancellationToken))
        {
            if (written == count)
            {
                break;
            }

            await WriteLineAsync(json =>
            {
                json.WriteNumber("sequence", row.Sequence);
                json.WriteBase64String("entry", row.Entry);
            });
            written++;
        }

        await output.FlushAsync(cancellationToken);
        return header;
    }

    /// <summary>
    /// Opens an export: its header and checkpoint notes at once, its entries as a stream. A file that is not a
    /// well-formed export throws <see cref="LedgerExportException"/> naming the line and what is wrong, here or
    /// while the entries are read.
    /// </summary>
    public static async Task<ExportReader> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        try
        {
            var header = ExportLines.Header(await ExportLines.ReadAsync(reader, 1, cancellationToken));
            var notes = new List<string>(Math.Min(header.CheckpointCount, 4096));
            for (var i = 0; i < header.CheckpointCount; i++)
            {
                var number = 2L + i;
                var line = await ExportLines.ReadAsync(reader, number, cancellationToken)
                    ?? throw new LedgerExportException(number, FormattableString.Invariant(
                        $"the file ends after {i} of the {header.CheckpointCount} checkpoints its header announces"));
                notes.Add(ExportLines.Checkpoint(line, number, i, header.CheckpointCount));
            }

            return new ExportReader(header, notes, reader);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }
}

/// <summary>An open export. Dispose it when done.</summary>
public sealed class ExportReader(ExportHeader header, IReadOnlyList<string> checkpointNotes, StreamReader reader) : IDisposable
{
    public ExportHeader Header { get; } = header;

    public IReadOnlyList<string> CheckpointNotes { get; } = checkpointNotes;

    /// <summary>
    /// The entries, in file order. A line that is not an entry record, an entry beyond the count the header
    /// announces, or a file that ends before it, throws <see cref="LedgerExportException"/> with the line. What
    /// an entry record says (its sequence, its bytes) is for the verifier to judge.
    /// </summary>
    public async IAsyncEnumerable<VerifiableEntry> ReadEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var number = 2L + Header.CheckpointCount;
        var count = 0UL;
        while (await ExportLines.ReadAsync(reader, number, cancellationToken) is { } line)
        {
            if (count == Header.EntryCount)
            {
                throw new LedgerExportException(number, FormattableString.Invariant(
                    $"an entry record beyond the {Header.EntryCount} entries the header announces"));
            }

            yield return ExportLines.Entry(line, number, Header.CheckpointCount);
            count++;
            number++;
        }

        if (count < Header.EntryCount)
        {
            throw new LedgerExportException(number, FormattableString.Invariant(
                $"the file ends after {count} entries, but its header announces {Header.EntryCount}"));
        }
    }

    public void Dispose() => reader.Dispose();
}
