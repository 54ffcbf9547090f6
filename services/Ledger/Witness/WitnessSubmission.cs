using System.Globalization;
using System.Text;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;

namespace Exchange.Ledger.Witness;

/// <summary>What a witness answered to a checkpoint: cosigned (with the cosignature line) or refused, and why.</summary>
/// <param name="Status">The witness's HTTP status: 200 cosigned; 400 (rollback), 409 or 422 refused; anything else could not be asked.</param>
public sealed record WitnessOutcome(int Status, string Answer)
{
    public bool Cosigned => Status == 200;

    /// <summary>The witness refused because the ledger's history does not extend what it cosigned before.</summary>
    public bool Refused => Status is 400 or 409 or 422;
}

/// <summary>
/// Submits the ledger's checkpoint to a C2SP tlog-witness: first as if the witness had seen nothing; when it answers
/// 409 with the size it cosigned last, again with the consistency proof from that size (none when that size is
/// larger than the checkpoint's: the witness then refuses a rollback itself).
/// </summary>
public static class WitnessSubmission
{
    public static string Body(ulong old, IReadOnlyList<byte[]> proof, string note) =>
        FormattableString.Invariant($"old {old}\n") + string.Concat(proof.Select(p => Convert.ToBase64String(p) + "\n")) + "\n" + note;

    public static Task<WitnessOutcome> SubmitAsync(HttpClient witness, SignedCheckpoint checkpoint, MerkleTree tree, CancellationToken cancellationToken) =>
        SubmitAsync(witness, checkpoint, old => tree.ConsistencyProof(old, checkpoint.TreeSize), cancellationToken);

    /// <param name="consistencyProofFrom">The RFC 6962 consistency proof from a smaller tree size to the checkpoint's.</param>
    public static async Task<WitnessOutcome> SubmitAsync(
        HttpClient witness, SignedCheckpoint checkpoint, Func<ulong, IReadOnlyList<byte[]>> consistencyProofFrom, CancellationToken cancellationToken)
    {
        var first = await PostAsync(witness, Body(0, [], checkpoint.Note), cancellationToken);
        if (first.Status != 409 || !ulong.TryParse(first.Answer.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var old))
        {
            return first;
        }

        var proof = old <= checkpoint.TreeSize ? consistencyProofFrom(old) : [];
        return await PostAsync(witness, Body(old, proof, checkpoint.Note), cancellationToken);
    }

    private static async Task<WitnessOutcome> PostAsync(HttpClient witness, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, new UTF8Encoding(false), "text/plain");
        using var response = await witness.PostAsync(new Uri("add-checkpoint", UriKind.Relative), content, cancellationToken);
        return new((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
