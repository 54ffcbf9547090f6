using System.Data.Common;
using Exchange.Ledger.Checkpoints;
using Microsoft.Data.Sqlite;

namespace Exchange.Ledger.Storage;

/// <summary>
/// The default store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a commit returns
/// only after the WAL is fsynced. Reads use pooled connections and never block the writer.
/// </summary>
public sealed class SqliteLedgerStore : SqlLedgerStore
{
    // Triggers stop accidental edits by the application's own connection; they are no security
    // boundary (an administrator drops them), which is why verify exists.
    private static readonly string Schema = LedgerSchema.Tables("INTEGER", "BLOB", sequenceInIndexes: false) + """
        CREATE TRIGGER IF NOT EXISTS ledger_entries_no_update BEFORE UPDATE ON ledger_entries
            BEGIN SELECT RAISE(ABORT, 'the disclosure ledger is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS ledger_entries_no_delete BEFORE DELETE ON ledger_entries
            BEGIN SELECT RAISE(ABORT, 'the disclosure ledger is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS ledger_head_no_delete BEFORE DELETE ON ledger_head
            BEGIN SELECT RAISE(ABORT, 'the ledger head is replaced, never deleted'); END;
        """;

    private readonly string _connectionString;
    private readonly string _path;
    private readonly TimeSpan _busyTimeout;
    private SqliteConnection? _writer;
    private SqliteCommand? _insert;
    private SqliteParameter[] _insertParameters = [];
    private SqliteCommand? _head;
    private FileStream? _writerLock;

    public SqliteLedgerStore(string path, TimeSpan? busyTimeout = null)
    {
        _path = Path.GetFullPath(path);
        _busyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy database until the command timeout (whole seconds).
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_busyTimeout.TotalSeconds)),
        }.ToString();
    }

    public override string Description => $"SQLite {_path}";

    protected override DbConnection Writer => _writer ?? throw new InvalidOperationException("The store is not initialised.");

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _writer = new SqliteConnection(_connectionString);
        await _writer.OpenAsync(cancellationToken);
        // WAL: readers never block the writer. FULL: the WAL is fsynced at every commit, so a
        // commit that returned survives a crash or power loss (NORMAL would lose the last ones).
        await ExecuteAsync(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", cancellationToken);
        await ExecuteAsync(_writer, FormattableString.Invariant($"PRAGMA busy_timeout={(long)_busyTimeout.TotalMilliseconds};"), cancellationToken);
        await ExecuteAsync(_writer, Schema, cancellationToken);

        _insert = _writer.CreateCommand();
        var names = RowColumns.Split(", ");
        _insert.CommandText = $"INSERT INTO ledger_entries ({RowColumns}) VALUES ({string.Join(", ", names.Select(n => "@" + n))})";
        _insertParameters = names.Select(n => _insert.Parameters.Add(new SqliteParameter { ParameterName = "@" + n })).ToArray();
        _insert.Prepare();
        _head = _writer.CreateCommand();
        _head.CommandText = LedgerSchema.UpsertHead;
        _head.Parameters.Add(new SqliteParameter { ParameterName = "@head_size" });
        _head.Parameters.Add(new SqliteParameter { ParameterName = "@head_note" });
        _head.Prepare();
    }

    public override Task AcquireWriterLockAsync(CancellationToken cancellationToken)
    {
        // An exclusive lock on a file beside the database (flock on Unix); the kernel releases it
        // when the process dies, so a crashed writer never blocks its restart.
        try
        {
            _writerLock = new FileStream(_path + ".writer-lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new LedgerUnavailableException($"Another ledger is already writing to {Description}.", exception);
        }

        return Task.CompletedTask;
    }

    public override Task AppendAsync(IReadOnlyList<StoredEntry> entries, SignedCheckpoint head, CancellationToken cancellationToken)
    {
        var writer = (SqliteConnection)Writer;
        // SQLite's API is synchronous; one batch is one transaction and one WAL fsync.
        using var transaction = writer.BeginTransaction(deferred: false);
        _insert!.Transaction = transaction;
        foreach (var entry in entries)
        {
            var values = RowValues(entry);
            for (var i = 0; i < values.Length; i++)
            {
                _insertParameters[i].Value = values[i] ?? DBNull.Value;
            }

            _insert.ExecuteNonQuery();
        }

        _head!.Transaction = transaction;
        _head.Parameters[0].Value = checked((long)head.TreeSize);
        _head.Parameters[1].Value = head.Note;
        _head.ExecuteNonQuery();
        transaction.Commit();
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_head is not null)
        {
            await _head.DisposeAsync();
        }

        await DisposeWriterAsync(_insert, _writer);
        if (_writerLock is not null)
        {
            await _writerLock.DisposeAsync();
        }

        // Pooled read connections would otherwise keep the file (and its WAL) open after disposal.
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
