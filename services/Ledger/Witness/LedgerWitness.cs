using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;

namespace Exchange.Ledger.Witness;

/// <summary>A witness's answer in the C2SP tlog-witness vocabulary: the HTTP status, its body and content type.</summary>
public sealed record WitnessAnswer(int Status, string Body, string ContentType = "text/plain; charset=utf-8");

/// <summary>
/// A witness for the ledger's checkpoints, after C2SP tlog-witness (<c>add-checkpoint</c>): for each log it knows it
/// keeps the latest checkpoint it cosigned, on disk, and cosigns a new one only when the log's signature holds, the
/// caller's <c>old</c> size is the size it cosigned last, and an RFC 6962 consistency proof shows the new tree extends
/// that one. So it never cosigns a smaller tree after a larger one (a rollback) or two trees that fork, also across
/// restarts. The new state is written durably before the cosignature is returned.
/// </summary>
/// <remarks>
/// Request body: <c>old &lt;size&gt;</c>, one base64 proof hash per line, an empty line, then the signed checkpoint.
/// Answers: 200 with the cosignature line; 400 malformed or old above the checkpoint's size; 403 the log's signature
/// does not verify; 404 unknown origin; 409 old is not the size last cosigned (body: that size, text/x.tlog.size);
/// 422 the consistency proof does not verify.
/// </remarks>
public sealed class LedgerWitness
{
    public const int MaxBodyBytes = 64 * 1024;
    private const int MaxProofHashes = 128;
    private static readonly byte[] EmptyRoot = SHA256.HashData([]);
    private readonly WitnessKey _key;
    private readonly Dictionary<string, NoteVerifier> _logs;
    private readonly string _stateDirectory;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();

    public LedgerWitness(WitnessKey key, IEnumerable<string> logVerifierKeys, string stateDirectory, TimeProvider clock)
    {
        _key = key;
        _logs = logVerifierKeys.Select(NoteVerifier.Parse).ToDictionary(v => v.Name, StringComparer.Ordinal);
        _stateDirectory = stateDirectory;
        _clock = clock;
        Directory.CreateDirectory(stateDirectory);
    }

    /// <summary>The latest checkpoint cosigned for <paramref name="origin"/>, as stored; null before the first.</summary>
    public string? Latest(string origin)
    {
        var path = StatePath(origin);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public WitnessAnswer AddCheckpoint(string body)
    {
        if (!TryParse(body, out var old, out var proof, out var note, out var malformed))
        {
            return new(400, malformed + "\n");
        }

        var origin = note[..note.IndexOf('\n', StringComparison.Ordinal)];
        if (!_logs.TryGetValue(origin, out var verifier))
        {
            return new(404, "unknown log origin\n");
        }

        if (SignedCheckpoint.Open(note, verifier, out var failure) is not { } checkpoint)
        {
            return new(403, $"the checkpoint does not verify: {failure}\n");
        }

        if (old > checkpoint.TreeSize)
        {
            return new(400, "old size is above the checkpoint's tree size: a rollback is never cosigned\n");
        }

        lock (_gate)
        {
            var latest = Latest(origin) is { } stored ? SignedCheckpoint.Open(stored, verifier, out _) : null;
            var latestSize = latest?.TreeSize ?? 0;
            if (old != latestSize)
            {
                return new(409, latestSize.ToString(CultureInfo.InvariantCulture) + "\n", "text/x.tlog.size");
            }

            if (!MerkleProofs.VerifyConsistency(latestSize, checkpoint.TreeSize, latest?.RootHash ?? EmptyRoot, checkpoint.RootHash, proof))
            {
                return new(422, "the consistency proof does not show this checkpoint extends the one last cosigned\n");
            }

            if (latest is null || checkpoint.TreeSize > latest.TreeSize)
            {
                Store(origin, note);
            }

            return new(200, _key.Cosign(note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 1)], _clock.GetUtcNow()));
        }
    }

    private static bool TryParse(string body, out ulong old, out List<byte[]> proof, out string note, out string malformed)
    {
        old = 0;
        proof = [];
        note = string.Empty;
        var blank = body.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            malformed = "the body is 'old <size>', proof lines, an empty line and the checkpoint";
            return false;
        }

        var head = body[..blank].Split('\n');
        if (!head[0].StartsWith("old ", StringComparison.Ordinal)
            || !ulong.TryParse(head[0].AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out old))
        {
            malformed = "the first line is not 'old <size>'";
            return false;
        }

        if (head.Length - 1 > MaxProofHashes)
        {
            malformed = "the consistency proof has too many hashes";
            return false;
        }

        foreach (var line in head.Skip(1))
        {
            var hash = new byte[MerkleHash.Size];
            if (!Convert.TryFromBase64String(line, hash, out var written) || written != MerkleHash.Size)
            {
                malformed = "a proof line is not a base64 SHA-256 hash";
                return false;
            }

            proof.Add(hash);
        }

        note = body[(blank + 2)..];
        if (!note.Contains('\n', StringComparison.Ordinal))
        {
            malformed = "the checkpoint is missing";
            return false;
        }

        malformed = string.Empty;
        return true;
    }

    /// <summary>Write, flush to disk, then rename over the old state: a crash leaves the old or the new checkpoint, never half.</summary>
    private void Store(string origin, string note)
    {
        var path = StatePath(origin);
        var temporary = path + ".new";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(Encoding.UTF8.GetBytes(note));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private string StatePath(string origin) =>
        Path.Combine(_stateDirectory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(origin))) + ".checkpoint");
}
