using System.Data.Common;
using Exchange.Storage.Migrations;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Exchange.Storage;

/// <summary>
/// A service's own store, SQLite or PostgreSQL by <see cref="StorageOptions"/>. Opening it applies the store's
/// pending schema migrations (see <see cref="SchemaMigrator"/>). What a service acknowledged must survive a crash:
/// SQLite runs in WAL mode with synchronous=FULL, PostgreSQL sessions keep synchronous_commit on.
/// </summary>
public abstract class ServiceDatabase : IDisposable
{
    /// <summary>Advisory-lock class of <see cref="BeginWrite"/> (the second key is the schema and the name).</summary>
    private const int WriteLockClass = 5751;

    private protected ServiceDatabase(string description) => Description = description;

    public abstract StoreProvider Provider { get; }

    /// <summary>What and where the store is, for messages: never a password.</summary>
    public string Description { get; }

    /// <summary>The schema version in force after start-up.</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>
    /// Opens the store of a service: the SQLite file <paramref name="sqlitePath"/>, or with PostgreSQL the schema
    /// <c>Storage:Schema</c> (default <paramref name="defaultSchema"/>) of <c>Storage:ConnectionString</c>.
    /// </summary>
    public static ServiceDatabase Open(StorageOptions storage, string sqlitePath, string defaultSchema, IReadOnlyList<Migration> migrations)
    {
        ServiceDatabase database = storage.IsPostgres
            ? new PostgresDatabase(storage.ConnectionString!, storage.Schema is { Length: > 0 } schema ? schema : defaultSchema)
            : new SqliteDatabase(sqlitePath);
        try
        {
            using var connection = database.Open();
            database.SchemaVersion = SchemaMigrator.Apply(connection, database.Provider, migrations, database.Description);
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    public abstract DbConnection Open();

    /// <summary>
    /// Begins a transaction that writes. With <paramref name="exclusiveFor"/>, no other transaction of any process
    /// sharing the store holds the same name until this one ends: the replicas' way to take turns where reading
    /// then writing must not interleave (an inbox's cursor order, merging families). SQLite has one writer anyway.
    /// </summary>
    public DbTransaction BeginWrite(DbConnection connection, string? exclusiveFor = null)
    {
        var transaction = connection.BeginTransaction();
        if (exclusiveFor is not null && Provider == StoreProvider.Postgres)
        {
            Sql.Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({WriteLockClass}, hashtext(current_schema() || ':' || @name))", ("@name", exclusiveFor));
        }

        return transaction;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private sealed class SqliteDatabase : ServiceDatabase
    {
        private readonly string _connectionString;

        public SqliteDatabase(string path)
            : base($"SQLite {Path.GetFullPath(path)}")
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
            // Outside any transaction: the journal mode cannot change inside one.
            Sql.Execute(connection, null, "PRAGMA journal_mode=WAL;");
        }

        public override StoreProvider Provider => StoreProvider.Sqlite;

        public override DbConnection Open()
        {
            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            Sql.Execute(connection, null, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;");
            return connection;
        }

        protected override void Dispose(bool disposing)
        {
            // Pooled connections would otherwise keep the file (and its WAL) open.
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
            base.Dispose(disposing);
        }
    }

    private sealed class PostgresDatabase : ServiceDatabase
    {
        private readonly NpgsqlDataSource _dataSource;

        public PostgresDatabase(string connectionString, string schema)
            : base(Describe(connectionString, schema))
        {
            if (!StorageOptions.IsSchemaName(schema))
            {
                throw new ArgumentException($"'{schema}' is not a usable schema name.", nameof(schema));
            }

            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            // The schema is created once, by whichever replica comes first; the name was checked above. Replicas starting
            // together take turns under the schema's migration lock: concurrent CREATE SCHEMA IF NOT EXISTS can still
            // fail with a duplicate key in PostgreSQL.
            using (var setup = new NpgsqlConnection(builder.ConnectionString))
            {
                setup.Open();
                using var transaction = setup.BeginTransaction();
                Sql.Execute(setup, transaction, $"SELECT pg_advisory_xact_lock({SchemaMigrator.LockClass}, hashtext(@schema))", ("@schema", schema));
                Sql.Execute(setup, transaction, $"CREATE SCHEMA IF NOT EXISTS {schema}");
                transaction.Commit();
            }

            builder.SearchPath = schema;
            var source = new NpgsqlDataSourceBuilder(builder.ConnectionString);
            source.UsePhysicalConnectionInitializer(
                connection => Sql.Execute(connection, null, "SET synchronous_commit TO on"),
                async connection =>
                {
                    await using var command = Sql.Command(connection, null, "SET synchronous_commit TO on");
                    await command.ExecuteNonQueryAsync();
                });
            _dataSource = source.Build();
        }

        public override StoreProvider Provider => StoreProvider.Postgres;

        public override DbConnection Open() => _dataSource.OpenConnection();

        protected override void Dispose(bool disposing)
        {
            _dataSource.Dispose();
            base.Dispose(disposing);
        }

        private static string Describe(string connectionString, string schema)
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database} (schema {schema})";
        }
    }
}
