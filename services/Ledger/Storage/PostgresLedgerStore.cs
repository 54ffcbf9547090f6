using System.Data.Common;
using Exchange.Ledger.Checkpoints;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Ledger.Storage;

/// <summary>
/// The production store. A batch is one INSERT of column arrays (one statement, one transaction,
/// one round trip); the writer's session
/// forces <c>synchronous_commit=on</c>, so COMMIT returns only after the WAL record is flushed,
/// whatever the server's default.
/// </summary>
public sealed class PostgresLedgerStore : SqlLedgerStore
{
    // Triggers stop accidental edits by the application's own connection; they are no security
    // boundary (an administrator disables them), which is why verify exists.
    private static readonly string Schema = LedgerSchema.Tables("BIGINT", "BYTEA", sequenceInIndexes: true) + """
        CREATE OR REPLACE FUNCTION ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'the disclosure ledger is append-only'; END $$;
        CREATE OR REPLACE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
            FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
        CREATE OR REPLACE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
        CREATE OR REPLACE TRIGGER ledger_head_no_delete BEFORE DELETE OR TRUNCATE ON ledger_head
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
        """;

    private static readonly NpgsqlDbType[] ColumnTypes =
    [
        NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Integer,
        NpgsqlDbType.Integer, NpgsqlDbType.Integer, NpgsqlDbType.Bigint, NpgsqlDbType.Integer, NpgsqlDbType.Bytea,
        NpgsqlDbType.Bytea,
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;
    private NpgsqlConnection? _writer;
    private NpgsqlCommand? _insert;

    public PostgresLedgerStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Never show the password in a description, a log line or an error.
        _description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}"
            + (string.IsNullOrEmpty(builder.SearchPath) ? string.Empty : $" (schema {builder.SearchPath})");
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public override string Description => _description;

    protected override DbConnection Writer => _writer ?? throw new InvalidOperationException("The store is not initialised.");

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        _writer = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = Command(_writer, "SET synchronous_commit TO on"))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // Serialise schema creation across processes that start at once.
        await using var transaction = await _writer.BeginTransactionAsync(cancellationToken);
        await using (var command = Command(_writer, "SELECT pg_advisory_xact_lock(6962)"))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = Command(_writer, Schema))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        var names = RowColumns.Split(", ");
        var unnest = string.Join(", ", names.Select((n, i) => $"@{n}::{ColumnTypes[i].ToString().ToLowerInvariant()}[]"));
        // The entries and the head in one statement (a data-modifying CTE always runs to completion): one
        // transaction and one round trip, as before the head existed.
        _insert = new NpgsqlCommand(
            $"WITH appended AS (INSERT INTO ledger_entries ({RowColumns}) SELECT * FROM unnest({unnest}) RETURNING 1) {LedgerSchema.UpsertHead}",
            _writer);
        for (var i = 0; i < names.Length; i++)
        {
            _insert.Parameters.Add(new NpgsqlParameter(names[i], NpgsqlDbType.Array | ColumnTypes[i]));
        }

        _insert.Parameters.Add(new NpgsqlParameter("head_size", NpgsqlDbType.Bigint));
        _insert.Parameters.Add(new NpgsqlParameter("head_note", NpgsqlDbType.Text));

        await _insert.PrepareAsync(cancellationToken);
    }

    public override async Task AcquireWriterLockAsync(CancellationToken cancellationToken)
    {
        // A session-level advisory lock per schema, held by the writer's connection: PostgreSQL
        // releases it when that connection ends, also when the process is killed.
        await using var command = Command(Writer, "SELECT pg_try_advisory_lock(6962, hashtext(current_schema()))");
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            throw new LedgerUnavailableException($"Another ledger is already writing to {Description}.");
        }
    }

    public override Task AppendAsync(IReadOnlyList<StoredEntry> entries, SignedCheckpoint head, CancellationToken cancellationToken)
    {
        var insert = _insert ?? throw new InvalidOperationException("The store is not initialised.");
        // One column array per parameter: the whole batch is one INSERT statement, so it is one
        // round trip and its own transaction; with synchronous_commit=on it returns once flushed.
        var columns = new Array[ColumnTypes.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = ColumnTypes[c] switch
            {
                NpgsqlDbType.Bigint => new long?[entries.Count],
                NpgsqlDbType.Integer => new int?[entries.Count],
                NpgsqlDbType.Text => new string[entries.Count],
                _ => new byte[entries.Count][],
            };
        }

        for (var r = 0; r < entries.Count; r++)
        {
            var values = RowValues(entries[r]);
            for (var c = 0; c < values.Length; c++)
            {
                columns[c].SetValue(values[c], r);
            }
        }

        for (var c = 0; c < columns.Length; c++)
        {
            insert.Parameters[c].Value = columns[c];
        }

        insert.Parameters[columns.Length].Value = checked((long)head.TreeSize);
        insert.Parameters[columns.Length + 1].Value = head.Note;

        // Synchronous on purpose: only the writer's own thread calls this, and a blocking read
        // does not depend on the thread pool to deliver the commit acknowledgement.
        insert.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await DisposeWriterAsync(_insert, _writer);

        await _dataSource.DisposeAsync();
    }

    protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);
}
