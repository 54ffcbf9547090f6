using System.Text.Json;
using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;

namespace Exchange.Ledger.Verification;

/// <summary>The outcome of checking an inclusion proof file.</summary>
public sealed record InclusionProofCheck(bool Verified, ulong Sequence, ulong TreeSize, DateTimeOffset? SignedAt, string? Failure);

/// <summary>
/// One entry's proof of inclusion, for an offline check (`exchange ledger check-proof`): the entry's canonical
/// bytes, the RFC 6962 inclusion proof and the signed checkpoint (a C2SP signed note) it leads to. JSON,
/// format <c>exchange-inclusion-proof/1</c>. The verifier key in the file is informational: the check uses
/// only the key the checker trusts.
/// </summary>
public static class InclusionProofFile
{
    public const string Format = "exchange-inclusion-proof/1";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static byte[] Write(ulong sequence, ReadOnlySpan<byte> entry, string checkpointNote, ulong treeSize, IEnumerable<byte[]> proof, string verifierKey) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["format"] = Format,
            ["sequence"] = sequence,
            ["tree_size"] = treeSize,
            ["entry"] = Convert.ToBase64String(entry),
            ["leaf_hash"] = Convert.ToBase64String(MerkleHash.Leaf(entry)),
            ["inclusion_proof"] = proof.Select(Convert.ToBase64String).ToArray(),
            ["checkpoint"] = checkpointNote,
            ["verifier_key"] = verifierKey,
        }, Indented);

    /// <summary>Checks the file against <paramref name="trusted"/>: the checkpoint's signature, the entry's position, the proof.</summary>
    public static InclusionProofCheck Check(ReadOnlySpan<byte> file, NoteVerifier trusted)
    {
        ulong sequence = 0;
        try
        {
            using var json = JsonDocument.Parse(file.ToArray());
            var root = json.RootElement;
            if (root.GetProperty("format").GetString() != Format)
            {
                return new(false, 0, 0, null, $"not an {Format} file");
            }

            sequence = root.GetProperty("sequence").GetUInt64();
            var checkpoint = SignedCheckpoint.Open(root.GetProperty("checkpoint").GetString() ?? string.Empty, trusted, out var failure);
            if (checkpoint is null)
            {
                return new(false, sequence, 0, null, $"the checkpoint does not verify: {failure}");
            }

            var entry = Convert.FromBase64String(root.GetProperty("entry").GetString() ?? string.Empty);
            if (LedgerEntry.Parser.ParseFrom(entry).Sequence != sequence || sequence >= checkpoint.TreeSize)
            {
                return new(false, sequence, checkpoint.TreeSize, checkpoint.Time, "the entry is not at the position the file names, or the checkpoint does not cover it");
            }

            var proof = root.GetProperty("inclusion_proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString() ?? string.Empty)).ToList();
            return MerkleProofs.VerifyInclusion(sequence, checkpoint.TreeSize, MerkleHash.Leaf(entry), proof, checkpoint.RootHash)
                ? new(true, sequence, checkpoint.TreeSize, checkpoint.Time, null)
                : new(false, sequence, checkpoint.TreeSize, checkpoint.Time, "the inclusion proof does not lead to the signed root");
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or FormatException or InvalidOperationException
            or Google.Protobuf.InvalidProtocolBufferException)
        {
            return new(false, sequence, 0, null, $"the file is malformed ({exception.GetType().Name})");
        }
    }
}
