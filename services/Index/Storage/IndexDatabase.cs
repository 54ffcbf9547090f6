using System.Data.Common;
using Exchange.Storage;
using Exchange.Storage.Migrations;

namespace Exchange.Index.Storage;

/// <summary>
/// The index's store (SQLite file or PostgreSQL schema). It holds exchange pseudonyms, who is involved with whom,
/// which people form a family, who is alleged to have used violence against whom, and the few facts policy needs
/// (violence type, assessment scores): never a payload.
/// </summary>
public sealed class IndexDatabase(ServiceDatabase store) : IDisposable
{
    /// <summary>The lock name under which family merges take turns (see <see cref="ServiceDatabase.BeginWrite"/>).</summary>
    public const string FamiliesLock = "families";

    /// <summary>The schema, step by step. A released step is never edited: a change is a new step.</summary>
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        // The schema of the release before versioned migrations, which this step also runs over unchanged.
        new(1, "involvements, families, case roles, violence indications, assessments, divergence notices",
            Tables(int64: "INTEGER", bytes: "BLOB"), Tables(int64: "BIGINT", bytes: "BYTEA")),
    ];

    public ServiceDatabase Store => store;

    public StoreProvider Provider => store.Provider;

    public static IndexDatabase Open(StorageOptions storage, string sqlitePath) =>
        new(ServiceDatabase.Open(storage, sqlitePath, "exchange_index", Migrations));

    /// <summary>An SQLite file (tests).</summary>
    public static IndexDatabase OpenSqlite(string path) => Open(new StorageOptions(), path);

    public DbConnection Open() => store.Open();

    /// <inheritdoc cref="ServiceDatabase.BeginWrite"/>
    public DbTransaction BeginWrite(DbConnection connection, string? exclusiveFor = null) => store.BeginWrite(connection, exclusiveFor);

    public void Dispose() => store.Dispose();

    private static string Tables(string int64, string bytes) => $"""
        CREATE TABLE IF NOT EXISTS involvements (
            id TEXT PRIMARY KEY,
            organisation_id TEXT NOT NULL,
            purpose INTEGER NOT NULL,
            contact_point {bytes} NOT NULL,
            period_start {int64} NOT NULL,
            period_end {int64},
            ended_at {int64},
            registered_at {int64} NOT NULL
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
            recorded_at {int64} NOT NULL,
            PRIMARY KEY (subject, signal_id)
        );
        CREATE TABLE IF NOT EXISTS assessments (
            signal_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            holder TEXT NOT NULL,
            payload_type TEXT NOT NULL,
            score INTEGER NOT NULL,
            recorded_at {int64} NOT NULL,
            PRIMARY KEY (subject, signal_id)
        );
        CREATE TABLE IF NOT EXISTS divergence_notices (
            family_key TEXT NOT NULL,
            recipient TEXT NOT NULL,
            PRIMARY KEY (family_key, recipient)
        );
        """;
}
