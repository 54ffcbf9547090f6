using System.Data.Common;
using System.Globalization;

namespace Exchange.Storage;

/// <summary>
/// Statements the same way on SQLite and PostgreSQL: parameters are named <c>@name</c> in both, values go in as
/// parameters, never into the text.
/// </summary>
public static class Sql
{
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Only constant SQL and parameter placeholders reach here; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Add(name, value);
        }

        return command;
    }

    public static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteScalar() is { } value and not DBNull ? value : null;
    }

    /// <summary>An integer scalar whatever width the dialect returns it in (SQLite: always 64-bit; PostgreSQL: the column's).</summary>
    public static long? ScalarInt64(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        Scalar(connection, transaction, sql, parameters) is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    public static DbParameter Add(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Adds one parameter per value and returns the list to put in <c>IN (...)</c>: one query for a set, not one per member.</summary>
    public static string InList(this DbCommand command, string prefix, IEnumerable<string> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = $"@{prefix}{names.Count.ToString(CultureInfo.InvariantCulture)}";
            command.Add(name, value);
            names.Add(name);
        }

        // IN () is a syntax error; IN (NULL) matches nothing.
        return names.Count == 0 ? "NULL" : string.Join(", ", names);
    }
}
