namespace Exchange.Storage.Migrations;

/// <summary>
/// One step of a store's schema, in both dialects. Versions start at 1 and follow each other; a released step is
/// never edited, a change is a new step. Version 1 of a store that existed before migrations were versioned is
/// written so that it also runs over that earlier schema (CREATE … IF NOT EXISTS), or names a table whose presence
/// means it was already applied (<see cref="AppliedWhenTableExists"/>).
/// </summary>
public sealed record Migration(int Version, string Description, string Sqlite, string Postgres)
{
    /// <summary>
    /// A database without a migrations table that already has this table was made by the release before
    /// versioning: the step is recorded as applied, not run.
    /// </summary>
    public string? AppliedWhenTableExists { get; init; }

    public string For(StoreProvider provider) => provider == StoreProvider.Postgres ? Postgres : Sqlite;

    /// <summary>The same statements in both dialects.</summary>
    public static Migration Portable(int version, string description, string sql) => new(version, description, sql, sql);
}
