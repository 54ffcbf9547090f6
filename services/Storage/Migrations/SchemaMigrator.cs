using System.Data.Common;
using System.Globalization;

namespace Exchange.Storage.Migrations;

/// <summary>A store whose schema a later release made: this one cannot know what the newer steps changed.</summary>
public sealed class SchemaTooNewException(string message) : InvalidOperationException(message);

/// <summary>
/// Brings a store's schema to the newest step this release knows, at start-up. All pending steps run in one
/// transaction that holds the store's migration lock (PostgreSQL: a transaction-scoped advisory lock per schema;
/// SQLite: the database's write lock), so replicas starting together apply each step exactly once, and a step
/// that fails leaves the schema as it was. Each applied step is a row in <c>schema_migrations</c>.
/// </summary>
public static class SchemaMigrator
{
    public const string Table = "schema_migrations";

    /// <summary>Advisory-lock class of schema migrations and of creating the schema (the second key is the schema).</summary>
    public const int LockClass = 5750;

    /// <summary>Applies the pending steps and returns the schema version now in force.</summary>
    public static int Apply(DbConnection connection, StoreProvider provider, IReadOnlyList<Migration> migrations, string storeDescription)
    {
        Check(migrations);
        using var transaction = connection.BeginTransaction();
        if (provider == StoreProvider.Postgres)
        {
            Sql.Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({LockClass}, hashtext(current_schema()))");
        }

        var versioned = TableExists(connection, transaction, provider, Table);
        Sql.Execute(connection, transaction, $"""
            CREATE TABLE IF NOT EXISTS {Table} (
                version INTEGER PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """);
        var current = Convert.ToInt32(Sql.Scalar(connection, transaction, $"SELECT COALESCE(MAX(version), 0) FROM {Table}") ?? 0, CultureInfo.InvariantCulture);
        var newest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (current > newest)
        {
            throw new SchemaTooNewException(
                $"{storeDescription} has schema version {current}, newer than this release knows ({newest}): run the release that made it, or restore a backup from before it.");
        }

        foreach (var migration in migrations.Where(m => m.Version > current))
        {
            var adopted = !versioned && migration.AppliedWhenTableExists is { } marker && TableExists(connection, transaction, provider, marker);
            if (!adopted)
            {
                Sql.Execute(connection, transaction, migration.For(provider));
            }

            Sql.Execute(connection, transaction, $"INSERT INTO {Table} (version, description, applied_at) VALUES (@version, @description, @at)",
                ("@version", migration.Version), ("@description", migration.Description), ("@at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        }

        transaction.Commit();
        return newest;
    }

    /// <summary>The recorded schema version (0 when none), read without taking the lock.</summary>
    public static int Version(DbConnection connection, StoreProvider provider) =>
        TableExists(connection, null, provider, Table)
            ? Convert.ToInt32(Sql.Scalar(connection, null, $"SELECT COALESCE(MAX(version), 0) FROM {Table}") ?? 0, CultureInfo.InvariantCulture)
            : 0;

    private static bool TableExists(DbConnection connection, DbTransaction? transaction, StoreProvider provider, string table) =>
        Sql.Scalar(connection, transaction, provider == StoreProvider.Postgres
            ? "SELECT to_regclass(@table) IS NOT NULL"
            : "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = @table", ("@table", table)) is true or 1L;

    private static void Check(IReadOnlyList<Migration> migrations)
    {
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException($"Migration versions must run 1, 2, 3, … without gaps; found {migrations[i].Version} at position {i + 1}.", nameof(migrations));
            }
        }
    }
}
