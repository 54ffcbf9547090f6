using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.Ledger.Verification;

namespace Exchange.Ledger.Export;

/// <summary>
/// Reads the three kinds of line of an export (header, checkpoint, entry) and says exactly what is wrong with a
/// line that is not one: which line, which field, what was expected. Never quotes a line's content.
/// </summary>
internal static class ExportLines
{
    /// <summary>More checkpoints than this in one header is not an export this tool wrote.</summary>
    private const ulong MaxCheckpoints = 100_000_000;

    public static async Task<string?> ReadAsync(StreamReader reader, long number, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            throw new LedgerExportException(number, "is not UTF-8 text");
        }
    }

    public static ExportHeader Header(string? line)
    {
        if (line is null)
        {
            throw new LedgerExportException(1, "the file is empty; an export starts with its header");
        }

        using var json = Object(line, 1);
        var root = json.RootElement;
        if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String
            || format.GetString() != LedgerExport.Format)
        {
            throw new LedgerExportException(1, $"the header's \"format\" is not \"{LedgerExport.Format}\": this is not a ledger export");
        }

        var entries = Count(root, "entries", 1, "the header's");
        var checkpoints = Count(root, "checkpoints", 1, "the header's");
        if (checkpoints > MaxCheckpoints)
        {
            throw new LedgerExportException(1, FormattableString.Invariant($"the header's \"checkpoints\" ({checkpoints}) is more than an export holds"));
        }

        string? key = null;
        if (root.TryGetProperty("verifier_key", out var keyElement) && keyElement.ValueKind != JsonValueKind.Null)
        {
            key = keyElement.ValueKind == JsonValueKind.String
                ? keyElement.GetString()
                : throw new LedgerExportException(1, "the header's \"verifier_key\" is not a string");
        }

        var exportedAt = DateTimeOffset.MinValue;
        if (root.TryGetProperty("exported_at", out var time) && (time.ValueKind != JsonValueKind.String || !time.TryGetDateTimeOffset(out exportedAt)))
        {
            throw new LedgerExportException(1, "the header's \"exported_at\" is not a date and time");
        }

        return new ExportHeader(LedgerExport.Format, key, entries, (int)checkpoints, exportedAt);
    }

    /// <summary>The note of checkpoint line <paramref name="number"/>, the <paramref name="index"/>th of <paramref name="announced"/>.</summary>
    public static string Checkpoint(string line, long number, int index, int announced)
    {
        using var json = Object(line, number);
        var root = json.RootElement;
        if (root.TryGetProperty("sequence", out _) || root.TryGetProperty("entry", out _))
        {
            throw new LedgerExportException(number, FormattableString.Invariant(
                $"an entry record where checkpoint {index + 1} of the {announced} the header announces was expected"));
        }

        var size = Count(root, "tree_size", number, "the checkpoint's");
        if (!root.TryGetProperty("note", out var noteElement) || noteElement.ValueKind != JsonValueKind.String
            || noteElement.GetString() is not { Length: > 0 } note)
        {
            throw new LedgerExportException(number, "the checkpoint has no \"note\" (its signed note, a string)");
        }

        // The verifier checks the note's signature; here only that the line says what its note says.
        var lines = note.Split('\n', 3);
        if (lines.Length < 3 || !ulong.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var noted))
        {
            throw new LedgerExportException(number, "the checkpoint's \"note\" is not a checkpoint (origin, tree size, root hash)");
        }

        if (noted != size)
        {
            throw new LedgerExportException(number, FormattableString.Invariant(
                $"the checkpoint's \"tree_size\" ({size}) differs from the tree size in its signed note ({noted})"));
        }

        return note;
    }

    public static VerifiableEntry Entry(string line, long number, int announcedCheckpoints)
    {
        using var json = Object(line, number);
        var root = json.RootElement;
        if (root.TryGetProperty("note", out _) || root.TryGetProperty("tree_size", out _))
        {
            throw new LedgerExportException(number, FormattableString.Invariant(
                $"a checkpoint record among the entries: the header announces {announcedCheckpoints} checkpoints"));
        }

        var sequence = Count(root, "sequence", number, "the entry's");
        if (sequence > long.MaxValue)
        {
            throw new LedgerExportException(number, "the entry's \"sequence\" is out of range");
        }

        if (!root.TryGetProperty("entry", out var entry) || entry.ValueKind != JsonValueKind.String)
        {
            throw new LedgerExportException(number, "the entry has no \"entry\" (its canonical bytes in base64)");
        }

        if (!entry.TryGetBytesFromBase64(out var bytes) || bytes.Length == 0)
        {
            throw new LedgerExportException(number, "the entry's \"entry\" is not base64 of an entry's bytes");
        }

        return new VerifiableEntry((long)sequence, bytes, null, null);
    }

    private static JsonDocument Object(string line, long number)
    {
        if (line.Length == 0)
        {
            throw new LedgerExportException(number, "is empty; every line of an export is one JSON object");
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(line);
        }
        catch (JsonException exception)
        {
            throw new LedgerExportException(number, FormattableString.Invariant(
                $"is not JSON (at byte {(exception.BytePositionInLine ?? 0) + 1})"));
        }

        if (json.RootElement.ValueKind != JsonValueKind.Object)
        {
            json.Dispose();
            throw new LedgerExportException(number, "is not a JSON object");
        }

        // JSON's parser accepts an escaped lone surrogate (\ud888) that no string can hold; reading it would throw later.
        if (!HoldsOnlyText(json.RootElement))
        {
            json.Dispose();
            throw new LedgerExportException(number, "holds a \\u escape that is no character (a lone surrogate)");
        }

        return json;
    }

    private static bool HoldsOnlyText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        if (!HoldsOnlyText(property.Value))
                        {
                            return false;
                        }
                    }

                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(HoldsOnlyText);
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static ulong Count(JsonElement root, string name, long number, string owner)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            throw new LedgerExportException(number, $"{owner} \"{name}\" is missing");
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetUInt64(out var value))
        {
            throw new LedgerExportException(number, $"{owner} \"{name}\" is not a whole number of at least 0");
        }

        return value;
    }
}
