using System.Data.Common;
using Npgsql;

namespace Exchange.Registry.Storage;

/// <summary>
/// The production store. A change takes a transaction-scoped advisory lock first, so that registry instances
/// behind a load balancer change one partner at a time and revisions never collide; COMMIT returns once flushed.
/// </summary>
public sealed class PostgresRegistryStore : SqlRegistryStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;

    public PostgresRegistryStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Never show the password in a description, a log line or an error.
        _description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}"
            + (string.IsNullOrEmpty(builder.SearchPath) ? string.Empty : $" (schema {builder.SearchPath})");
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public override string Description => _description;

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Serialise schema creation across instances that start at once.
        await using (var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock(7012, 0)"))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = Command(connection, transaction, Schema("BYTEA")))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync() => await _dataSource.DisposeAsync();

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, "SET synchronous_commit TO on");
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken);
        // One lock per schema: registry instances sharing a schema take turns; test schemas do not wait for each other.
        await using var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock(7012, hashtext(current_schema()))");
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }
}
