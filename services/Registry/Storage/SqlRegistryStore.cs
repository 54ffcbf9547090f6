using System.Data.Common;
using System.Globalization;
using Exchange.Contracts.Registry.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Registry.Storage;

/// <summary>
/// What SQLite and PostgreSQL share: the tables and every statement. A partner is stored as its protobuf record
/// beside the columns the registry queries by; its history is one row per change. The subclasses own the
/// connections and how a writer excludes the others.
/// </summary>
public abstract class SqlRegistryStore : IRegistryStore
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    public abstract string Description { get; }

    /// <summary>The schema, with the dialect's name for a byte column.</summary>
    protected static string Schema(string blob) => $"""
        CREATE TABLE IF NOT EXISTS registry_partners (
            id TEXT PRIMARY KEY,
            revision BIGINT NOT NULL,
            state INTEGER NOT NULL,
            record {blob} NOT NULL);
        CREATE TABLE IF NOT EXISTS registry_changes (
            revision BIGINT PRIMARY KEY,
            partner_id TEXT NOT NULL,
            action INTEGER NOT NULL,
            actor TEXT NOT NULL,
            changed_at BIGINT NOT NULL,
            reason TEXT NOT NULL,
            ledger_sequence BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS registry_changes_partner ON registry_changes (partner_id, revision);
        """;

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins the write transaction and makes it the only writer (across processes too).</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    public async Task<Partner?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    public async Task<IReadOnlyList<Partner>> ListAsync(string afterId, int limit, IReadOnlyCollection<RegistrationState> states, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var filter = states.Count == 0 ? string.Empty : $" AND state IN ({string.Join(", ", states.Select((_, i) => "@s" + i.ToString(CultureInfo.InvariantCulture)))})";
        await using var command = Command(connection, null, $"SELECT record FROM registry_partners WHERE id > @after{filter} ORDER BY id LIMIT @limit",
            ("@after", afterId), ("@limit", limit));
        var i = 0;
        foreach (var state in states)
        {
            Add(command, "@s" + (i++).ToString(CultureInfo.InvariantCulture), (int)state);
        }

        return await ReadPartnersAsync(command, cancellationToken);
    }

    public async Task<RegistrySnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT record FROM registry_partners ORDER BY id");
        var partners = await ReadPartnersAsync(command, cancellationToken);
        // One statement, one consistent read: the revision is the latest of the partners read.
        return new RegistrySnapshot
        {
            Revision = partners.Count == 0 ? 0 : partners.Max(p => p.Revision),
            Partners = { partners },
        };
    }

    public async Task<ulong> RevisionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await RevisionAsync(connection, null, cancellationToken);
    }

    public async Task<IReadOnlyList<PartnerChange>> ChangesAsync(string id, ulong afterRevision, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT revision, partner_id, action, actor, changed_at, reason, ledger_sequence FROM registry_changes "
            + "WHERE partner_id = @id AND revision > @after ORDER BY revision LIMIT @limit",
            ("@id", id), ("@after", checked((long)afterRevision)), ("@limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<PartnerChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new PartnerChange
            {
                Revision = (ulong)reader.GetInt64(0),
                PartnerId = reader.GetString(1),
                Action = (PartnerAction)reader.GetInt32(2),
                Actor = reader.GetString(3),
                ChangedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddTicks(reader.GetInt64(4) * 10)),
                Reason = reader.GetString(5),
                LedgerSequence = (ulong)reader.GetInt64(6),
            });
        }

        return changes;
    }

    public async Task<TResult> ChangeAsync<TResult>(
        string partnerId, Func<Partner?, ulong, CancellationToken, Task<(StoredChange? Change, TResult Result)>> decide, CancellationToken cancellationToken)
    {
        // One writer in this process; BeginWriteAsync excludes writers in other processes.
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken);
            var current = await GetAsync(connection, transaction, partnerId, cancellationToken);
            var revision = await RevisionAsync(connection, transaction, cancellationToken) + 1;
            var (change, result) = await decide(current, revision, cancellationToken);
            if (change is null)
            {
                await transaction.RollbackAsync(cancellationToken);
                return result;
            }

            await WriteAsync(connection, transaction, change, current is null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Only constant SQL and parameter placeholders reach here; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task<Partner?> GetAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT record FROM registry_partners WHERE id = @id", ("@id", id));
        var partners = await ReadPartnersAsync(command, cancellationToken);
        return partners.Count == 0 ? null : partners[0];
    }

    private static async Task<ulong> RevisionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT COALESCE(MAX(revision), 0) FROM registry_changes");
        return Convert.ToUInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task<IReadOnlyList<Partner>> ReadPartnersAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var partners = new List<Partner>();
        while (await reader.ReadAsync(cancellationToken))
        {
            partners.Add(Partner.Parser.ParseFrom((byte[])reader.GetValue(0)));
        }

        return partners;
    }

    private static async Task WriteAsync(DbConnection connection, DbTransaction transaction, StoredChange stored, bool isNew, CancellationToken cancellationToken)
    {
        var partner = stored.Partner;
        var sql = isNew
            ? "INSERT INTO registry_partners (id, revision, state, record) VALUES (@id, @revision, @state, @record)"
            : "UPDATE registry_partners SET revision = @revision, state = @state, record = @record WHERE id = @id";
        await using (var command = Command(connection, transaction, sql,
            ("@id", partner.Id), ("@revision", checked((long)partner.Revision)), ("@state", (int)partner.State), ("@record", partner.ToByteArray())))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var change = stored.Change;
        var at = change.ChangedAt.ToDateTimeOffset();
        await using var insert = Command(connection, transaction,
            "INSERT INTO registry_changes (revision, partner_id, action, actor, changed_at, reason, ledger_sequence) "
            + "VALUES (@revision, @partner, @action, @actor, @at, @reason, @sequence)",
            ("@revision", checked((long)change.Revision)), ("@partner", change.PartnerId), ("@action", (int)change.Action), ("@actor", change.Actor),
            ("@at", (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10), ("@reason", change.Reason), ("@sequence", checked((long)change.LedgerSequence)));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
