using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Exchange.System.Tests.Support;

/// <summary>The `exchange ledger` commands run as a separate process, and what an administrator can do to the ledger's file.</summary>
public static class LedgerCli
{
    /// <summary>The built `exchange` command (tools/Exchange.Cli), in this test project's configuration.</summary>
    public static string ExchangeDll { get; } =
        typeof(LedgerCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ExchangeCliDll").Value!;

    /// <summary>Runs `exchange` with <paramref name="arguments"/> to completion (bounded) and returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ExchangeDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("exchange did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Cuts the SQLite ledger at <paramref name="path"/> back to the latest stored checkpoint at or before entry
    /// <paramref name="sequence"/>, removing the entries and every checkpoint after it and making that checkpoint the
    /// head, as an administrator who drops the append-only triggers can: what is left is consistent in itself.
    /// Returns the size it was cut to, which is the first missing entry.
    /// </summary>
    public static async Task<long> CutBeforeAsync(string path, ulong sequence)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("@sequence", (long)sequence);
        command.CommandText = "SELECT COALESCE(MAX(tree_size), 0) FROM ledger_checkpoints WHERE tree_size <= @sequence";
        var size = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        command.Parameters.AddWithValue("@size", size);
        command.CommandText = """
            DROP TRIGGER IF EXISTS ledger_entries_no_delete;
            DROP TRIGGER IF EXISTS ledger_head_no_delete;
            DELETE FROM ledger_entries WHERE sequence >= @size;
            DELETE FROM ledger_checkpoints WHERE tree_size > @size;
            DELETE FROM ledger_head;
            INSERT INTO ledger_head (id, tree_size, note) SELECT 1, tree_size, note FROM ledger_checkpoints WHERE tree_size = @size;
            """;
        await command.ExecuteNonQueryAsync();
        return size;
    }
}
