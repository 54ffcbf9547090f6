using System.Text.RegularExpressions;

namespace Exchange.Storage;

/// <summary>Where a service keeps its tables.</summary>
public enum StoreProvider
{
    /// <summary>One file per service (WAL, synchronous=FULL): the local launcher and tests.</summary>
    Sqlite,

    /// <summary>A schema in a PostgreSQL database: production, and replicas that share one store.</summary>
    Postgres,
}

/// <summary>
/// The one storage setting every exchange service reads (section <c>Storage</c>): <c>Storage:Provider</c> chooses
/// SQLite or PostgreSQL for all of a process's stores; with PostgreSQL, <c>Storage:ConnectionString</c> names the
/// database and <c>Storage:Schema</c> the schema the service's tables live in (created when missing).
/// </summary>
public sealed partial record StorageOptions
{
    public const string Section = "Storage";

    public StoreProvider Provider { get; init; } = StoreProvider.Sqlite;

    /// <summary>PostgreSQL only: an Npgsql connection string. Its password never appears in a description or log.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>PostgreSQL only: the schema of this service's tables; the service's own name when left out.</summary>
    public string? Schema { get; init; }

    public bool IsPostgres => Provider == StoreProvider.Postgres;

    public IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(Provider))
        {
            yield return $"{Section}:Provider must be Sqlite or Postgres.";
        }

        if (Provider == StoreProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{Section}:ConnectionString is required when {Section}:Provider is Postgres.";
        }

        if (Schema is { Length: > 0 } schema && !IsSchemaName(schema))
        {
            yield return $"{Section}:Schema must be a lower-case SQL name (letters, digits, '_'; at most 63), not '{schema}'.";
        }
    }

    /// <summary>A schema name safe to put in DDL as it is: it cannot quote its way out.</summary>
    public static bool IsSchemaName(string name) => SchemaName().IsMatch(name);

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
