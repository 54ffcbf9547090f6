using System.Data.Common;
using Exchange.Storage;
using Exchange.Storage.Migrations;

namespace Exchange.Node.Store;

/// <summary>
/// The domain service's store (SQLite file or PostgreSQL schema): signals, the routing outbox, the inboxes of the
/// organisations it hosts, and (on PostgreSQL, shared by replicas) the Data Protection key ring. What it
/// acknowledged (a stored signal, a delivered inbox item) must survive a crash.
/// </summary>
public sealed class NodeDatabase(ServiceDatabase store) : IDisposable
{
    /// <summary>The schema, step by step. A released step is never edited: a change is a new step.</summary>
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        // The schema of the release before versioned migrations, which this step also runs over unchanged.
        new(1, "signals, subjects, routing outbox, inboxes", """
            CREATE TABLE IF NOT EXISTS signals (
                id TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                payload_type TEXT NOT NULL,
                idempotency_key TEXT,
                published_at INTEGER NOT NULL,
                -- The envelope with exchange pseudonyms, encrypted with ASP.NET Core Data Protection.
                envelope BLOB NOT NULL
            );
            CREATE UNIQUE INDEX IF NOT EXISTS signals_idempotency ON signals (holder, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE TABLE IF NOT EXISTS signal_subjects (
                subject TEXT NOT NULL,
                signal_id TEXT NOT NULL REFERENCES signals (id),
                holder TEXT NOT NULL,
                PRIMARY KEY (holder, subject, signal_id)
            );
            -- Routing outbox: written in the signal's own transaction, so a stored signal is always routed.
            CREATE TABLE IF NOT EXISTS routing (
                signal_id TEXT PRIMARY KEY REFERENCES signals (id),
                completed INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS routing_due ON routing (completed, next_attempt_at);
            CREATE TABLE IF NOT EXISTS routing_done (
                signal_id TEXT NOT NULL,
                recipient TEXT NOT NULL,
                outcome TEXT NOT NULL,
                PRIMARY KEY (signal_id, recipient)
            );
            -- Inboxes of the organisations this node hosts. The cursor is the row id: strictly increasing.
            CREATE TABLE IF NOT EXISTS inbox (
                cursor INTEGER PRIMARY KEY AUTOINCREMENT,
                recipient TEXT NOT NULL,
                delivery_key TEXT NOT NULL UNIQUE,
                delivery BLOB NOT NULL,
                delivered_at INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS inbox_recipient ON inbox (recipient, cursor);
            CREATE TABLE IF NOT EXISTS inbox_acks (
                recipient TEXT PRIMARY KEY,
                acknowledged_through INTEGER NOT NULL
            );
            """, """
            CREATE TABLE IF NOT EXISTS signals (
                id TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                payload_type TEXT NOT NULL,
                idempotency_key TEXT,
                published_at BIGINT NOT NULL,
                envelope BYTEA NOT NULL
            );
            CREATE UNIQUE INDEX IF NOT EXISTS signals_idempotency ON signals (holder, idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE TABLE IF NOT EXISTS signal_subjects (
                subject TEXT NOT NULL,
                signal_id TEXT NOT NULL REFERENCES signals (id),
                holder TEXT NOT NULL,
                PRIMARY KEY (holder, subject, signal_id)
            );
            CREATE TABLE IF NOT EXISTS routing (
                signal_id TEXT PRIMARY KEY REFERENCES signals (id),
                completed INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS routing_due ON routing (completed, next_attempt_at);
            CREATE TABLE IF NOT EXISTS routing_done (
                signal_id TEXT NOT NULL,
                recipient TEXT NOT NULL,
                outcome TEXT NOT NULL,
                PRIMARY KEY (signal_id, recipient)
            );
            -- Deliveries to one recipient are written one at a time (see InboxStore): cursors grow in commit order.
            CREATE TABLE IF NOT EXISTS inbox (
                cursor BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                recipient TEXT NOT NULL,
                delivery_key TEXT NOT NULL UNIQUE,
                delivery BYTEA NOT NULL,
                delivered_at BIGINT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS inbox_recipient ON inbox (recipient, cursor);
            CREATE TABLE IF NOT EXISTS inbox_acks (
                recipient TEXT PRIMARY KEY,
                acknowledged_through BIGINT NOT NULL
            );
            """),
        // Replicas of a domain service share one key ring, or one could not read what the other stored.
        Migration.Portable(2, "Data Protection key ring shared by replicas", """
            CREATE TABLE data_protection_keys (
                name TEXT PRIMARY KEY,
                xml TEXT NOT NULL
            );
            """),
        // Requests the policy left to the holder: pending until a professional of the holder decides or they
        // expire; 'deciding' while one decision is under way. The request is encrypted like the signals. The release
        // before versioned migrations made this table already: IF NOT EXISTS lets this step run over it.
        new(3, "requests left to the holder's professionals", """
            CREATE TABLE IF NOT EXISTS holder_decisions (
                id TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                state TEXT NOT NULL,
                requested_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                decided_at INTEGER,
                request BLOB NOT NULL
            );
            CREATE INDEX IF NOT EXISTS holder_decisions_pending ON holder_decisions (state, holder, requested_at);
            CREATE INDEX IF NOT EXISTS holder_decisions_due ON holder_decisions (state, expires_at);
            """, """
            CREATE TABLE IF NOT EXISTS holder_decisions (
                id TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                state TEXT NOT NULL,
                requested_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                decided_at BIGINT,
                request BYTEA NOT NULL
            );
            CREATE INDEX IF NOT EXISTS holder_decisions_pending ON holder_decisions (state, holder, requested_at);
            CREATE INDEX IF NOT EXISTS holder_decisions_due ON holder_decisions (state, expires_at);
            """),
    ];

    public ServiceDatabase Store => store;

    public StoreProvider Provider => store.Provider;

    public static NodeDatabase Open(StorageOptions storage, string sqlitePath, string schema) =>
        new(ServiceDatabase.Open(storage, sqlitePath, schema, Migrations));

    /// <summary>An SQLite file (tests).</summary>
    public static NodeDatabase OpenSqlite(string path) => Open(new StorageOptions(), path, "node");

    public DbConnection Open() => store.Open();

    /// <inheritdoc cref="ServiceDatabase.BeginWrite"/>
    public DbTransaction BeginWrite(DbConnection connection, string? exclusiveFor = null) => store.BeginWrite(connection, exclusiveFor);

    public void Dispose() => store.Dispose();
}
