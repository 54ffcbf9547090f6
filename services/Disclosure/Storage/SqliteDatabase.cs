using Microsoft.Data.Sqlite;

namespace Exchange.Disclosure.Storage;

/// <summary>
/// A service's own SQLite file: WAL for concurrent readers, synchronous=FULL because what a service
/// acknowledged (a stored signal, a delivered inbox item, a registered involvement) must survive a crash.
/// </summary>
public abstract class SqliteDatabase
{
    private readonly string _connectionString;

    protected SqliteDatabase(string path, string schema)
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
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;" + schema;
        command.ExecuteNonQuery();
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}

public static class SqliteCommandExtensions
{
    /// <summary>Adds one parameter per value and returns the list to put in <c>IN (...)</c>: one query for a set, not one per member.</summary>
    public static string InList(this SqliteCommand command, string prefix, IEnumerable<string> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = $"${prefix}{names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            command.Parameters.AddWithValue(name, value);
            names.Add(name);
        }

        // IN () is a syntax error; IN (NULL) matches nothing.
        return names.Count == 0 ? "NULL" : string.Join(", ", names);
    }
}
