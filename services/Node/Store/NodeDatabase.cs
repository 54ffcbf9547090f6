using Exchange.Disclosure.Storage;

namespace Exchange.Node.Store;

/// <summary>
/// The node's SQLite file: WAL for concurrent readers, synchronous=FULL because a stored signal or
/// a delivered inbox item must survive a crash once acknowledged.
/// </summary>
public sealed class NodeDatabase(string path) : SqliteDatabase(path, Schema)
{
    private const string Schema = """
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
        """;
}
