using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Exchange.Registry.Storage;

/// <summary>
/// The default store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a change that returned
/// survives a crash. A change holds SQLite's write lock (BEGIN IMMEDIATE) from reading the partner to commit.
/// </summary>
public sealed class SqliteRegistryStore(string path) : SqlRegistryStore
{
    private readonly string _path = Path.GetFullPath(path);

    private string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = _path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public override string Description => $"SQLite {_path}";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "PRAGMA journal_mode=WAL;" + Schema("BLOB"));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections would otherwise keep the file (and its WAL) open.
        SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
        return ValueTask.CompletedTask;
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "PRAGMA synchronous=FULL;");
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
}
