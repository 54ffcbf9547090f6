using System.Data.Common;
using Exchange.Ledger.Checkpoints;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Ledger.Storage;

/// <summary>
/// The production store. A batch is one transaction written with binary COPY; the writer's session
/// forces <c>synchronous_commit=on</c>, so COMMIT returns only after the WAL record is flushed,
/// whatever the server's default.
/// </summary>
public sealed class PostgresLedgerStore : SqlLedgerStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS ledger_entries (
            sequence BIGINT PRIMARY KEY,
            recorded_at BIGINT NOT NULL,
            kind INTEGER NOT NULL,
            decision_id TEXT NOT NULL,
            holder_organisation_id TEXT NOT NULL,
            recipient_organisation_id TEXT NOT NULL,
            subject_pseudonym TEXT NOT NULL,
            purpose INTEGER NOT NULL,
            legal_basis_id TEXT NOT NULL,
            decision INTEGER NOT NULL,
            break_glass INTEGER NOT NULL,
            review_state INTEGER NOT NULL,
            concerns_sequence BIGINT NULL,
            review_verdict INTEGER NULL,
            leaf_hash BYTEA NOT NULL,
            entry BYTEA NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_ledger_recorded_at ON ledger_entries (recorded_at, sequence);
        CREATE INDEX IF NOT EXISTS ix_ledger_holder ON ledger_entries (holder_organisation_id, sequence);
        CREATE INDEX IF NOT EXISTS ix_ledger_recipient ON ledger_entries (recipient_organisation_id, sequence);
        CREATE INDEX IF NOT EXISTS ix_ledger_subject ON ledger_entries (subject_pseudonym, sequence);
        CREATE INDEX IF NOT EXISTS ix_ledger_purpose ON ledger_entries (purpose, sequence);
        CREATE INDEX IF NOT EXISTS ix_ledger_legal_basis ON ledger_entries (legal_basis_id, sequence);
        CREATE INDEX IF NOT EXISTS ix_ledger_decision ON ledger_entries (decision, sequence);
        CREATE INDEX IF NOT EXISTS ix_ledger_break_glass ON ledger_entries (break_glass, sequence) WHERE break_glass = 1;
        CREATE INDEX IF NOT EXISTS ix_ledger_review_state ON ledger_entries (review_state, sequence);
        CREATE INDEX IF NOT EXISTS ix_ledger_kind ON ledger_entries (kind, sequence);
        CREATE INDEX IF NOT EXISTS ix_ledger_concerns ON ledger_entries (concerns_sequence, sequence) WHERE concerns_sequence IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_ledger_review_verdict ON ledger_entries (review_verdict, sequence) WHERE review_verdict IS NOT NULL;
        CREATE OR REPLACE FUNCTION ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'the disclosure ledger is append-only'; END $$;
        CREATE OR REPLACE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
            FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
        CREATE OR REPLACE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
        CREATE TABLE IF NOT EXISTS ledger_checkpoints (
            tree_size BIGINT PRIMARY KEY,
            signed_at BIGINT NOT NULL,
            note TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ledger_metadata (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """;

    private static readonly NpgsqlDbType[] CopyTypes =
    [
        NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Integer,
        NpgsqlDbType.Integer, NpgsqlDbType.Integer, NpgsqlDbType.Bigint, NpgsqlDbType.Integer, NpgsqlDbType.Bytea,
        NpgsqlDbType.Bytea,
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;
    private NpgsqlConnection? _writer;

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
    }

    public override async Task AppendAsync(IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken)
    {
        var writer = (NpgsqlConnection)Writer;
        await using var transaction = await writer.BeginTransactionAsync(cancellationToken);
        await using (var import = await writer.BeginBinaryImportAsync(
            $"COPY ledger_entries ({RowColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var entry in entries)
            {
                await import.StartRowAsync(cancellationToken);
                var values = RowValues(entry);
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i] is null)
                    {
                        await import.WriteNullAsync(cancellationToken);
                    }
                    else
                    {
                        await import.WriteAsync(values[i], CopyTypes[i], cancellationToken);
                    }
                }
            }

            await import.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        await _dataSource.DisposeAsync();
    }

    protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);
}
