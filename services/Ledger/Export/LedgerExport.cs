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
    /// Writes the store's checkpoints and the entries up to the size it had when the export began, so
    /// that appends made meanwhile do not make the export ragged.
    /// </summary>
    public static async Task<ExportHeader> WriteAsync(ILedgerStore store, Stream output, TimeProvider clock, CancellationToken cancellationToken)
    {
        var checkpoints = await store.ReadCheckpointsAsync(cancellationToken);
        var count = await store.CountAsync(cancellationToken);
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
        await foreach (var row in LedgerVerifier.ReadStore(store, cancellationToken))
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

    /// <summary>Opens an export: its header and checkpoint notes at once, its entries as a stream.</summary>
    public static async Task<ExportReader> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var reader = new StreamReader(path, Encoding.UTF8);
        try
        {
            var first = await reader.ReadLineAsync(cancellationToken) ?? throw new FormatException("The export is empty.");
            using var headerJson = JsonDocument.Parse(first);
            var root = headerJson.RootElement;
            if (!root.TryGetProperty("format", out var format) || format.GetString() != Format)
            {
                throw new FormatException($"The file is not a {Format} export.");
            }

            var header = new ExportHeader(Format,
                root.TryGetProperty("verifier_key", out var key) ? key.GetString() : null,
                root.GetProperty("entries").GetUInt64(),
                root.GetProperty("checkpoints").GetInt32(),
                root.GetProperty("exported_at").GetDateTimeOffset());
            var notes = new List<string>(header.CheckpointCount);
            for (var i = 0; i < header.CheckpointCount; i++)
            {
                var line = await reader.ReadLineAsync(cancellationToken) ?? throw new FormatException("The export ends inside its checkpoints.");
                using var json = JsonDocument.Parse(line);
                notes.Add(json.RootElement.GetProperty("note").GetString() ?? throw new FormatException("A checkpoint line has no note."));
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

    /// <summary>The entries, in file order; a malformed line is reported to the verifier at its position.</summary>
    public async IAsyncEnumerable<VerifiableEntry> ReadEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var position = 0L;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return Parse(line, position++);
        }
    }

    private static VerifiableEntry Parse(string line, long position)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return new VerifiableEntry(root.GetProperty("sequence").GetInt64(), root.GetProperty("entry").GetBytesFromBase64(), null, null);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            // The verifier names this position as the first entry that does not verify.
            return new VerifiableEntry(position, [], null, null, "its line in the export is not a valid entry record");
        }
    }

    public void Dispose() => reader.Dispose();
}
