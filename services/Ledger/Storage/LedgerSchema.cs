using System.Text;

namespace Exchange.Ledger.Storage;

/// <summary>
/// The tables both stores share, written once with the dialect's type names. Every review filter
/// column leads an index; with the sequence as the second key, a filter and the keyset order are
/// served by the same index (SQLite adds the rowid, which is the sequence, by itself).
/// </summary>
internal static class LedgerSchema
{
    private static readonly (string Name, string Column, string? Where)[] Indexes =
    [
        ("ix_ledger_recorded_at", "recorded_at", null),
        ("ix_ledger_holder", "holder_organisation_id", null),
        ("ix_ledger_recipient", "recipient_organisation_id", null),
        ("ix_ledger_subject", "subject_pseudonym", null),
        ("ix_ledger_purpose", "purpose", null),
        ("ix_ledger_legal_basis", "legal_basis_id", null),
        ("ix_ledger_decision", "decision", null),
        ("ix_ledger_break_glass", "break_glass", "break_glass = 1"),
        ("ix_ledger_review_state", "review_state", null),
        ("ix_ledger_kind", "kind", null),
        ("ix_ledger_concerns", "concerns_sequence", "concerns_sequence IS NOT NULL"),
        ("ix_ledger_review_verdict", "review_verdict", "review_verdict IS NOT NULL"),
    ];

    /// <summary>Writes the signed head in the transaction of the batch it covers (both dialects accept this upsert).</summary>
    public const string UpsertHead =
        "INSERT INTO ledger_head (id, tree_size, note) VALUES (1, @head_size, @head_note) "
        + "ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size, note = excluded.note";

    /// <summary>Count, highest sequence and head in one statement: one snapshot in SQLite (WAL) and PostgreSQL alike.</summary>
    public const string Snapshot =
        "SELECT (SELECT COUNT(*) FROM ledger_entries), (SELECT MAX(sequence) FROM ledger_entries), "
        + "(SELECT tree_size FROM ledger_head WHERE id = 1), (SELECT note FROM ledger_head WHERE id = 1)";

    /// <param name="int64">The 64-bit integer type (the sequence's type must make it SQLite's rowid).</param>
    /// <param name="bytes">The binary type.</param>
    /// <param name="sequenceInIndexes">Append the sequence to every index (PostgreSQL has no rowid to do it).</param>
    public static string Tables(string int64, string bytes, bool sequenceInIndexes)
    {
        var sql = new StringBuilder($"""
            CREATE TABLE IF NOT EXISTS ledger_entries (
                sequence {int64} PRIMARY KEY,
                recorded_at {int64} NOT NULL,
                kind INTEGER NOT NULL,
                decision_id TEXT NOT NULL,
                holder_organisation_id TEXT NOT NULL,
                recipient_organisation_id TEXT NOT NULL,
                subject_pseudonym TEXT NOT NULL,
                purpose INTEGER NOT NULL,
                legal_basis_id TEXT NOT NULL,
                decision INTEGER NOT NULL,
                break_glass INTEGER NOT NULL,
                review_state INTEGER NOT NULL,
                concerns_sequence {int64} NULL,
                review_verdict INTEGER NULL,
                leaf_hash {bytes} NOT NULL,
                entry {bytes} NOT NULL
            );
            CREATE TABLE IF NOT EXISTS ledger_checkpoints (
                tree_size {int64} PRIMARY KEY,
                signed_at {int64} NOT NULL,
                note TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS ledger_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                tree_size {int64} NOT NULL,
                note TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS ledger_metadata (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS ledger_cosignatures (
                witness TEXT NOT NULL,
                tree_size {int64} NOT NULL,
                note TEXT NOT NULL,
                PRIMARY KEY (witness, tree_size)
            );

            """);
        foreach (var (name, column, where) in Indexes)
        {
            sql.Append($"CREATE INDEX IF NOT EXISTS {name} ON ledger_entries ({column}{(sequenceInIndexes ? ", sequence" : string.Empty)})");
            sql.Append(where is null ? ";\n" : $" WHERE {where};\n");
        }

        return sql.ToString();
    }
}
