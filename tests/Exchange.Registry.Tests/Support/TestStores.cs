using System.Reflection;
using Exchange.Registry.Storage;
using Exchange.Testing;
using Npgsql;
using Xunit.Sdk;
using Xunit.v3;

namespace Exchange.Registry.Tests.Support;

public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>Runs a theory once on SQLite and once on PostgreSQL: one test suite for both stores.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BothStoresAttribute : DataAttribute
{
    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker) =>
        new([new TheoryDataRow<StoreKind>(StoreKind.Sqlite), new TheoryDataRow<StoreKind>(StoreKind.Postgres)]);

    public override bool SupportsDiscoveryEnumeration() => true;
}

/// <summary>
/// A registry store of its own for one test: an SQLite file in a temporary directory, or a schema of its own in
/// the PostgreSQL database named by <c>EXCHANGE_TEST_POSTGRES</c> (test.sh starts one). Without that variable the
/// PostgreSQL variant skips, saying why.
/// </summary>
internal sealed class TestStore : IAsyncDisposable
{
    public const string PostgresVariable = "EXCHANGE_TEST_POSTGRES";

    private readonly TempDirectory? _directory;
    private readonly string? _admin;
    private readonly string? _schema;

    private TestStore(IRegistryStore store, TempDirectory? directory, string? admin, string? schema)
    {
        Store = store;
        _directory = directory;
        _admin = admin;
        _schema = schema;
    }

    public IRegistryStore Store { get; }

    public static async Task<TestStore> CreateAsync(StoreKind kind)
    {
        TestStore test;
        if (kind == StoreKind.Postgres)
        {
            var admin = Environment.GetEnvironmentVariable(PostgresVariable);
            if (string.IsNullOrWhiteSpace(admin))
            {
                Assert.Skip($"PostgreSQL variant skipped: {PostgresVariable} is not set (run tests/scripts/postgres.sh start).");
            }

            var schema = $"registry_test_{Guid.NewGuid():N}";
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
                await command.ExecuteNonQueryAsync();
            }

            test = new TestStore(new PostgresRegistryStore(new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ConnectionString), null, admin, schema);
        }
        else
        {
            var directory = new TempDirectory("registry-store");
            test = new TestStore(new SqliteRegistryStore(Path.Combine(directory.Path, "registry.db")), directory, null, null);
        }

        await test.Store.InitializeAsync(CancellationToken.None);
        return test;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (_schema is not null)
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }

        _directory?.Dispose();
    }
}
