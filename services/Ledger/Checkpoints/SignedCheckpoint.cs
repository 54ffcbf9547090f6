using System.Globalization;
using System.Text;

namespace Exchange.Ledger.Checkpoints;

/// <summary>
/// A checkpoint in the C2SP tlog-checkpoint format: the note text is the origin, the tree size in
/// decimal, the base64 RFC 6962 root hash, and one extension line <c>time &lt;RFC 3339 UTC&gt;</c>
/// so that the signature also covers when the ledger vouched for this tree head.
/// </summary>
public sealed record SignedCheckpoint(string Origin, ulong TreeSize, byte[] RootHash, DateTimeOffset Time, string Note)
{
    private const string TimePrefix = "time ";
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>The note text to sign for a tree head.</summary>
    public static string FormatText(string origin, ulong treeSize, ReadOnlySpan<byte> rootHash, DateTimeOffset time)
    {
        var builder = new StringBuilder();
        builder.Append(origin).Append('\n');
        builder.Append(treeSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        builder.Append(Convert.ToBase64String(rootHash)).Append('\n');
        builder.Append(TimePrefix).Append(time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)).Append('\n');
        return builder.ToString();
    }

    public static SignedCheckpoint Create(NoteSigner signer, ulong treeSize, byte[] rootHash, DateTimeOffset time)
    {
        // Whole seconds: what the note carries is exactly what the record says.
        var seconds = DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
        var note = signer.Sign(FormatText(signer.Name, treeSize, rootHash, seconds));
        return new SignedCheckpoint(signer.Name, treeSize, rootHash, seconds, note);
    }

    /// <summary>
    /// Checks the note's signature with <paramref name="verifier"/> and parses its text; returns null
    /// with a reason when the signature or the text does not hold.
    /// </summary>
    public static SignedCheckpoint? Open(string note, NoteVerifier verifier, out string? failure)
    {
        var text = verifier.Open(note);
        if (text is null)
        {
            failure = "the signature does not verify with the ledger's public key";
            return null;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3 || lines.Any(l => l.Length == 0))
        {
            failure = "the note text is not a checkpoint";
            return null;
        }

        if (!string.Equals(lines[0], verifier.Name, StringComparison.Ordinal))
        {
            failure = "the checkpoint origin differs from the key name";
            return null;
        }

        // Decimal without sign or leading zeros, as the format requires.
        if (!ulong.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || (lines[1].Length > 1 && lines[1][0] == '0'))
        {
            failure = "the tree size line is not a decimal number";
            return null;
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            failure = "the root hash line is not base64";
            return null;
        }

        if (root.Length != 32)
        {
            failure = "the root hash is not 32 bytes";
            return null;
        }

        var time = DateTimeOffset.MinValue;
        foreach (var extension in lines.Skip(3))
        {
            if (extension.StartsWith(TimePrefix, StringComparison.Ordinal)
                && DateTimeOffset.TryParseExact(extension[TimePrefix.Length..], TimeFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                time = parsed;
            }
        }

        failure = null;
        return new SignedCheckpoint(lines[0], size, root, time, note);
    }
}
