using Microsoft.Data.Sqlite;

namespace Exchange.Node.Store;

/// <summary>
/// The node's SQLite file: WAL for concurrent readers, synchronous=FULL because a stored signal or
/// a delivered inbox item must survive a crash once acknowledged.
/// </summary>
public sealed class NodeDatabase
{
    private readonly string _connectionString;

    public NodeDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;" + Schema;
        command.ExecuteNonQuery();
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

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
        """;
}
