using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Storage;

namespace Exchange.Ledger.Witness;

/// <summary>
/// What a witness cosigned of a ledger, as its store keeps it: the largest checkpoint whose note carries both the
/// ledger's signature and a cosignature that verifies with the witness's key (null: none). A cosignature cannot be
/// forged by whoever can edit the database, so a cosigned checkpoint is evidence held outside the ledger's control.
/// </summary>
public sealed record WitnessCosignature(string Witness, SignedCheckpoint? Latest, string? Note);

public static class WitnessCosignatures
{
    /// <summary>For each witness key, its latest valid cosignature in <paramref name="store"/>.</summary>
    public static async Task<IReadOnlyList<WitnessCosignature>> ReadAsync(
        ILedgerStore store, NoteVerifier ledger, IReadOnlyList<string> witnessKeys, CancellationToken cancellationToken)
    {
        var stored = await store.ReadCosignaturesAsync(cancellationToken);
        var result = new List<WitnessCosignature>(witnessKeys.Count);
        foreach (var key in witnessKeys)
        {
            var name = WitnessKey.NameOf(key);
            var latest = stored
                .Where(c => string.Equals(c.Witness, name, StringComparison.Ordinal))
                .OrderByDescending(c => c.TreeSize)
                .Select(c => (Checkpoint: SignedCheckpoint.Open(c.Note, ledger, out _), c.Note, c.TreeSize))
                .FirstOrDefault(c => c.Checkpoint is { } checkpoint && checkpoint.TreeSize == (ulong)c.TreeSize && WitnessKey.HasCosignature(c.Note, key));
            result.Add(new WitnessCosignature(name, latest.Checkpoint, latest.Note));
        }

        return result;
    }
}
