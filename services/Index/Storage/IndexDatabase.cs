using Exchange.Disclosure.Storage;

namespace Exchange.Index.Storage;

/// <summary>
/// The index's SQLite file. It holds exchange pseudonyms, who is involved with whom, which people form
/// a family, who is alleged to have used violence against whom, and the few facts policy needs (violence type,
/// assessment scores): never a payload.
/// </summary>
public sealed class IndexDatabase(string path) : SqliteDatabase(path, Schema)
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS involvements (
            id TEXT PRIMARY KEY,
            organisation_id TEXT NOT NULL,
            purpose INTEGER NOT NULL,
            contact_point BLOB NOT NULL,
            period_start INTEGER NOT NULL,
            period_end INTEGER,
            ended_at INTEGER,
            registered_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS involvement_subjects (
            involvement_id TEXT NOT NULL REFERENCES involvements (id),
            subject TEXT NOT NULL,
            PRIMARY KEY (subject, involvement_id)
        );
        CREATE TABLE IF NOT EXISTS family_members (
            subject TEXT PRIMARY KEY,
            family_id TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS family_members_family ON family_members (family_id);
        CREATE TABLE IF NOT EXISTS partner_pairs (
            first TEXT NOT NULL,
            second TEXT NOT NULL,
            PRIMARY KEY (first, second)
        );
        CREATE TABLE IF NOT EXISTS case_roles (
            subject TEXT NOT NULL,
            role INTEGER NOT NULL,
            signal_id TEXT NOT NULL,
            PRIMARY KEY (subject, role, signal_id)
        );
        CREATE TABLE IF NOT EXISTS violence_indications (
            subject TEXT NOT NULL,
            signal_id TEXT NOT NULL,
            violence_type INTEGER NOT NULL,
            recorded_at INTEGER NOT NULL,
            PRIMARY KEY (subject, signal_id)
        );
        CREATE TABLE IF NOT EXISTS assessments (
            signal_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            holder TEXT NOT NULL,
            payload_type TEXT NOT NULL,
            score INTEGER NOT NULL,
            recorded_at INTEGER NOT NULL,
            PRIMARY KEY (subject, signal_id)
        );
        CREATE TABLE IF NOT EXISTS divergence_notices (
            family_key TEXT NOT NULL,
            recipient TEXT NOT NULL,
            PRIMARY KEY (family_key, recipient)
        );
        """;
}
