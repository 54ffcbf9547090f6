using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Verification;

namespace Exchange.Console.Ledger;

/// <summary>The outcome of checking an entry's inclusion proof in the console.</summary>
public sealed record ProofResult(bool Verified, string? Problem, ulong TreeSize, DateTimeOffset? SignedAt);

/// <summary>
/// Checks, in the console and independently of the ledger's own word, that the entry shown is in the
/// ledger: the checkpoint's signature against the verifier key the console was configured with (never the
/// key the ledger sends), the entry's bytes against what is shown, and the RFC 6962 inclusion proof of their
/// leaf hash against the signed root.
/// </summary>
public static class ProofCheck
{
    public static ProofResult Check(ulong sequence, GetEntryResponse response, NoteVerifier trusted)
    {
        var checkpoint = SignedCheckpoint.Open(response.Checkpoint?.Note ?? string.Empty, trusted, out var failure);
        if (checkpoint is null)
        {
            return new ProofResult(false, "checkpoint: " + failure, 0, null);
        }

        if (sequence >= checkpoint.TreeSize)
        {
            return new ProofResult(false, "the checkpoint does not cover the entry", checkpoint.TreeSize, checkpoint.Time);
        }

        LedgerEntry stored;
        try
        {
            stored = LedgerEntry.Parser.ParseFrom(response.Encoded);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return new ProofResult(false, "the entry's bytes are not an entry", checkpoint.TreeSize, checkpoint.Time);
        }

        // What is shown is what was hashed: the same entry, less the exchange's pseudonym the page never shows.
        var shown = stored.Clone();
        shown.SubjectPseudonym = string.Empty;
        if (stored.Sequence != sequence || !shown.Equals(response.Entry?.Entry))
        {
            return new ProofResult(false, "the entry shown is not the entry hashed", checkpoint.TreeSize, checkpoint.Time);
        }

        var proof = response.InclusionProof.Select(h => h.ToByteArray()).ToList();
        var verified = MerkleProofs.VerifyInclusion(sequence, checkpoint.TreeSize, MerkleHash.Leaf(response.Encoded.Span), proof, checkpoint.RootHash);
        return new ProofResult(verified, verified ? null : "the inclusion proof does not lead to the signed root", checkpoint.TreeSize, checkpoint.Time);
    }

    /// <summary>The proof as a file for an offline check (`exchange ledger check-proof`).</summary>
    public static byte[] File(ulong sequence, GetEntryResponse response, string verifierKey) =>
        InclusionProofFile.Write(sequence, response.Encoded.Span, response.Checkpoint.Note, response.Checkpoint.TreeSize,
            response.InclusionProof.Select(h => h.ToByteArray()), verifierKey);
}
