using Exchange.Contracts.V1;
using Exchange.Node.Store;
using Exchange.Node.Tests.Support;
using Exchange.Storage;
using Exchange.Storage.Migrations;
using Exchange.Testing;
using Microsoft.Data.Sqlite;

namespace Exchange.Node.Tests.Store;

/// <summary>
/// The node's store on SQLite, as the launcher runs it: a file from the release before versioned migrations is brought
/// up to date keeping what it holds; a fresh file gets every step once.
/// </summary>
public sealed class NodeStoreMigrationTests : IDisposable
{
    /// <summary>The node.db schema of the release before versioned migrations (services/Node/Store/NodeDatabase.cs then).</summary>
    private const string PreviousRelease = """
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
        -- Requests the policy left to the holder: pending until a professional of the holder decides or they
        -- expire; 'deciding' while one decision is under way. The request is encrypted like the signals.
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
        """;

    private readonly TempDirectory _directory = new("node-migrations");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_store_of_the_release_before_versioned_migrations_is_brought_up_to_date_keeping_its_signals_and_inboxes()
    {
        var path = _directory.File("node.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            old.Open();
            Sql.Execute(old, null, PreviousRelease);
            Sql.Execute(old, null, "INSERT INTO inbox (recipient, delivery_key, delivery, delivered_at) VALUES ('vt-mwb', 'k1', x'00', 1)");
            Sql.Execute(old, null, "INSERT INTO holder_decisions (id, holder, state, requested_at, expires_at, request) VALUES ('hd-1', 'vt-mwb', 'pending', 1, 2, x'00')");
        }

        using var database = NodeDatabase.OpenSqlite(path);

        Assert.Equal(NodeDatabase.Migrations.Count, database.Store.SchemaVersion);
        using var connection = database.Open();
        Assert.Equal(1L, Sql.ScalarInt64(connection, null, "SELECT COUNT(*) FROM inbox WHERE delivery_key = 'k1'"));
        Assert.Equal(1L, Sql.ScalarInt64(connection, null, "SELECT COUNT(*) FROM holder_decisions WHERE id = 'hd-1'"));
        Assert.Equal(0L, Sql.ScalarInt64(connection, null, "SELECT COUNT(*) FROM data_protection_keys"));
        Assert.Equal(NodeDatabase.Migrations.Count, SchemaMigrator.Version(connection, StoreProvider.Sqlite));
    }

    [Fact]
    public void A_fresh_file_gets_every_step_once_and_opening_it_again_changes_nothing()
    {
        var path = _directory.File("fresh.db");
        using (var node = new NodeFixture(NodeDatabase.OpenSqlite(path), "vt-mwb"))
        {
            node.Inbox.Deliver("vt-mwb", "k1", new Signal { Id = "s1" }, new DisclosureReceipt());
        }

        using var again = NodeDatabase.OpenSqlite(path);
        using var connection = again.Open();
        Assert.Equal((long)NodeDatabase.Migrations.Count, Sql.ScalarInt64(connection, null, $"SELECT COUNT(*) FROM {SchemaMigrator.Table}"));
        Assert.Equal(1L, Sql.ScalarInt64(connection, null, "SELECT COUNT(*) FROM inbox"));
    }
}
