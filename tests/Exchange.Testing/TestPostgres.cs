using Exchange.Storage;
using Npgsql;

namespace Exchange.Testing;

/// <summary>
/// A schema of its own in the PostgreSQL that ./test.sh starts (tests/scripts/postgres.sh: EXCHANGE_TEST_POSTGRES),
/// dropped with everything in it when the test ends.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string Variable = "EXCHANGE_TEST_POSTGRES";

    private readonly string _admin;

    private TestPostgres(string admin, string schema)
    {
        _admin = admin;
        Schema = schema;
    }

    /// <summary>A fresh name; the store under test creates the schema itself, as a service does at its first start.</summary>
    public string Schema { get; }

    /// <summary>The one storage setting a service reads, pointing at this schema.</summary>
    public StorageOptions Storage => new() { Provider = StoreProvider.Postgres, ConnectionString = _admin, Schema = Schema };

    /// <summary>Why a PostgreSQL test did not run, for Assert.Skip.</summary>
    public const string SkipReason = $"PostgreSQL test skipped: {Variable} is not set (./test.sh sets it; or eval \"$(tests/scripts/postgres.sh start)\").";

    /// <summary>A schema of the test's own; null when no PostgreSQL was started for the tests (then skip with <see cref="SkipReason"/>).</summary>
    public static TestPostgres? TryCreate(string prefix) =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } admin ? new TestPostgres(admin, $"{prefix}_{Guid.NewGuid():N}") : null;

    /// <summary>Runs <paramref name="sql"/> in the schema, as someone with direct access to the database could.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { SearchPath = Schema }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
