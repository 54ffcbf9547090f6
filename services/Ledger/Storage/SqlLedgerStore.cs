using System.Data.Common;
using System.Runtime.CompilerServices;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Query;

namespace Exchange.Ledger.Storage;

/// <summary>
/// What SQLite and PostgreSQL share: the table layout and every read. The subclasses own the
/// connections, the schema dialect and the durable write path.
/// </summary>
public abstract class SqlLedgerStore : ILedgerStore
{
    /// <summary>Every column of a row, in the order <see cref="ReadColumns"/> expects.</summary>
    protected const string RowColumns =
        "sequence, recorded_at, kind, decision_id, holder_organisation_id, recipient_organisation_id, subject_pseudonym, "
        + "purpose, legal_basis_id, decision, break_glass, review_state, concerns_sequence, review_verdict, leaf_hash, entry";

    public abstract string Description { get; }

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public abstract Task AcquireWriterLockAsync(CancellationToken cancellationToken);

    public abstract Task AppendAsync(IReadOnlyList<StoredEntry> entries, SignedCheckpoint head, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>The writer's own connection, opened by <see cref="InitializeAsync"/>.</summary>
    protected abstract DbConnection Writer { get; }

    public async Task AddCheckpointAsync(SignedCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        // Outside a transaction each statement commits on its own, durably (same settings as appends).
        await using var command = Command(Writer,
            "INSERT INTO ledger_checkpoints (tree_size, signed_at, note) VALUES (@size, @time, @note) ON CONFLICT (tree_size) DO NOTHING",
            ("@size", checked((long)checkpoint.TreeSize)), ("@time", checkpoint.Time.ToUnixTimeSeconds()), ("@note", checkpoint.Note));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AddCosignatureAsync(StoredCosignature cosignature, CancellationToken cancellationToken)
    {
        await using var command = Command(Writer,
            "INSERT INTO ledger_cosignatures (witness, tree_size, note) VALUES (@witness, @size, @note) ON CONFLICT (witness, tree_size) DO NOTHING",
            ("@witness", cosignature.Witness), ("@size", cosignature.TreeSize), ("@note", cosignature.Note));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredCosignature>> ReadCosignaturesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, "SELECT witness, tree_size, note FROM ledger_cosignatures ORDER BY witness, tree_size");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cosignatures = new List<StoredCosignature>();
        while (await reader.ReadAsync(cancellationToken))
        {
            cosignatures.Add(new StoredCosignature(reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        }

        return cosignatures;
    }

    public async Task SetMetadataAsync(string key, string value, CancellationToken cancellationToken)
    {
        await using var command = Command(Writer,
            "INSERT INTO ledger_metadata (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING",
            ("@key", key), ("@value", value));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Closes the writer's prepared insert and connection, when they were opened.</summary>
    protected static async ValueTask DisposeWriterAsync(DbCommand? insert, DbConnection? writer)
    {
        if (insert is not null)
        {
            await insert.DisposeAsync();
        }

        if (writer is not null)
        {
            await writer.DisposeAsync();
        }
    }

    /// <summary>A connection for reads, from a pool; reads never block the writer (WAL / MVCC).</summary>
    protected abstract Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    public async Task<ulong> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, "SELECT COUNT(*) FROM ledger_entries");
        return Convert.ToUInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<StoreSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, LedgerSchema.Snapshot);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var head = reader.IsDBNull(2) || reader.IsDBNull(3) ? null : new StoredCheckpoint(reader.GetInt64(2), reader.GetString(3));
        return new StoreSnapshot(Convert.ToUInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            reader.IsDBNull(1) ? null : reader.GetInt64(1), head);
    }

    public async IAsyncEnumerable<(long Sequence, byte[] LeafHash)> ReadLeafHashesAsync(
        ulong fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT sequence, leaf_hash FROM ledger_entries WHERE sequence >= @from ORDER BY sequence",
            ("@from", checked((long)fromSequence)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return (reader.GetInt64(0), (byte[])reader.GetValue(1));
        }
    }

    public async Task<IReadOnlyList<StoredRow>> ReadRowsAsync(ulong fromSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {RowColumns} FROM ledger_entries WHERE sequence >= @from ORDER BY sequence LIMIT @limit",
            ("@from", checked((long)fromSequence)), ("@limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StoredRow>(Math.Min(limit, 4096));
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredRow(reader.GetInt64(0), (byte[])reader.GetValue(15), (byte[])reader.GetValue(14), ReadColumns(reader)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<StoredCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, "SELECT tree_size, note FROM ledger_checkpoints ORDER BY tree_size");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<StoredCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new StoredCheckpoint(reader.GetInt64(0), reader.GetString(1)));
        }

        return checkpoints;
    }

    public async Task<IReadOnlyList<byte[]>> QueryAsync(LedgerQuery query, int limit, CancellationToken cancellationToken)
    {
        var (sql, parameters) = QuerySql.Build(query, limit);
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, sql);
        foreach (var (name, value) in parameters)
        {
            AddParameter(command, name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<byte[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add((byte[])reader.GetValue(0));
        }

        return entries;
    }

    public async Task<string?> GetMetadataAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = Command(connection, "SELECT value FROM ledger_metadata WHERE key = @key", ("@key", key));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    protected static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Only constant SQL and parameter placeholders reach here; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            AddParameter(command, name, value);
        }

        return command;
    }

    protected static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>The values bound to an insert, in <see cref="RowColumns"/> order.</summary>
    protected static object?[] RowValues(StoredEntry entry)
    {
        var c = entry.Columns;
        return
        [
            checked((long)entry.Sequence), c.RecordedAtMicros, c.Kind, c.DecisionId, c.HolderOrganisationId,
            c.RecipientOrganisationId, c.SubjectPseudonym, c.Purpose, c.LegalBasisId, c.Decision, c.BreakGlass ? 1 : 0,
            c.ReviewState, c.ConcernsSequence, c.ReviewVerdict, entry.LeafHash, entry.Canonical,
        ];
    }

    private static EntryColumns ReadColumns(DbDataReader reader) => new(
        reader.GetInt64(1),
        reader.GetInt32(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetInt32(7),
        reader.GetString(8),
        reader.GetInt32(9),
        reader.GetInt32(10) != 0,
        reader.GetInt32(11),
        reader.IsDBNull(12) ? null : reader.GetInt64(12),
        reader.IsDBNull(13) ? null : reader.GetInt32(13));
}
