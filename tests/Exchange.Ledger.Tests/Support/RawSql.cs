using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Exchange.Ledger.Tests.Support;

/// <summary>
/// Direct SQL on a ledger's database, as an administrator with write access would run it: it first
/// removes the append-only triggers, which stop accidents but not a determined administrator.
/// </summary>
internal static class RawSql
{
    public static async Task ExecuteAsync(TestLedger ledger, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(ledger);
        var disable = ledger.Kind == StoreKind.Postgres
            ? "ALTER TABLE ledger_entries DISABLE TRIGGER USER; ALTER TABLE ledger_head DISABLE TRIGGER USER;"
            : "DROP TRIGGER IF EXISTS ledger_entries_no_update; DROP TRIGGER IF EXISTS ledger_entries_no_delete; DROP TRIGGER IF EXISTS ledger_head_no_delete;";
        await using var command = connection.CreateCommand();
        command.CommandText = disable + sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(TestLedger ledger, string sql)
    {
        await using var connection = await OpenAsync(ledger);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Runs <paramref name="sql"/> without touching the triggers: what the application's own account could do.</summary>
    public static async Task ExecuteWithTriggersAsync(TestLedger ledger, string sql)
    {
        await using var connection = await OpenAsync(ledger);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<DbConnection> OpenAsync(TestLedger ledger)
    {
        DbConnection connection = ledger.Kind == StoreKind.Postgres
            ? new NpgsqlConnection(ledger.Target)
            : new SqliteConnection($"Data Source={ledger.Target};Pooling=false");
        await connection.OpenAsync();
        return connection;
    }
}
