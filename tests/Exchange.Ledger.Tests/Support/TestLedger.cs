using Exchange.Ledger.Hosting;
using Npgsql;

namespace Exchange.Ledger.Tests.Support;

public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A private ledger location for one test: a temporary directory (SQLite file and signing key) and,
/// for PostgreSQL, a schema of its own in the database named by <c>EXCHANGE_TEST_POSTGRES</c>.
/// PostgreSQL tests skip visibly when that variable is not set.
/// </summary>
internal sealed class TestLedger : IAsyncDisposable
{
    public const string PostgresVariable = "EXCHANGE_TEST_POSTGRES";

    private readonly string? _adminConnectionString;
    private readonly string? _schema;

    private TestLedger(StoreKind kind, DirectoryInfo directory, string? adminConnectionString, string? schema)
    {
        Kind = kind;
        Directory = directory;
        _adminConnectionString = adminConnectionString;
        _schema = schema;
        var postgres = schema is null
            ? null
            : new NpgsqlConnectionStringBuilder(adminConnectionString) { SearchPath = schema }.ConnectionString;
        Options = new LedgerOptions
        {
            Store = kind == StoreKind.Postgres ? LedgerStoreKind.Postgres : LedgerStoreKind.Sqlite,
            SqlitePath = Path.Combine(directory.FullName, "ledger.db"),
            PostgresConnectionString = postgres,
            SigningKeyPath = Path.Combine(directory.FullName, "signing.key"),
            Origin = "exchange.test/ledger",
        };
    }

    public StoreKind Kind { get; }

    public DirectoryInfo Directory { get; }

    public LedgerOptions Options { get; }

    /// <summary>The store's connection string (PostgreSQL) or file path (SQLite), for direct SQL.</summary>
    public string Target => Options.Store == LedgerStoreKind.Postgres ? Options.PostgresConnectionString! : Options.SqlitePath;

    public static async Task<TestLedger> CreateAsync(StoreKind kind)
    {
        string? admin = null;
        string? schema = null;
        if (kind == StoreKind.Postgres)
        {
            admin = Environment.GetEnvironmentVariable(PostgresVariable);
            if (string.IsNullOrWhiteSpace(admin))
            {
                Assert.Skip($"PostgreSQL variant skipped: {PostgresVariable} is not set (run tests/scripts/postgres.sh start).");
            }

            schema = $"ledger_test_{Guid.NewGuid():N}";
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new TestLedger(kind, System.IO.Directory.CreateTempSubdirectory("ledger-test-"), admin, schema);
    }

    public Task<DisclosureLedger> OpenAsync(LedgerOptions? options = null) => DisclosureLedger.OpenAsync(options ?? Options);

    public async ValueTask DisposeAsync()
    {
        if (_schema is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }

        Directory.Delete(true);
    }
}
