using Exchange.Node.Store;
using Exchange.Storage;

namespace Exchange.Node.Routing;

/// <summary>The routing outbox: which stored signals still have recipients to be decided and delivered.</summary>
public sealed class RoutingStore(NodeDatabase database)
{
    /// <summary>How long a claimed signal is left to the router that claimed it before another may take it over.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(1);

    public IReadOnlyList<string> Due(DateTimeOffset now, int limit)
    {
        using var connection = database.Open();
        using var command = Sql.Command(connection, null,
            "SELECT signal_id FROM routing WHERE completed = 0 AND next_attempt_at <= @now ORDER BY next_attempt_at, signal_id LIMIT @limit",
            ("@now", now.ToUnixTimeMilliseconds()), ("@limit", limit));
        return ReadIds(command);
    }

    /// <summary>
    /// The signals due now, claimed for this router: each is due again only after <see cref="ClaimLease"/>, unless
    /// <see cref="Complete"/> or <see cref="Reschedule"/> says otherwise first. Replicas sharing the store each
    /// route different signals; a router that dies leaves its claims to the others once the lease ends.
    /// </summary>
    public IReadOnlyList<string> Claim(DateTimeOffset now, int limit)
    {
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        using var select = Sql.Command(connection, transaction,
            "SELECT signal_id FROM routing WHERE completed = 0 AND next_attempt_at <= @now ORDER BY next_attempt_at, signal_id LIMIT @limit"
            + (database.Provider == StoreProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : string.Empty),
            ("@now", now.ToUnixTimeMilliseconds()), ("@limit", limit));
        var due = ReadIds(select);
        foreach (var signalId in due)
        {
            Sql.Execute(connection, transaction, "UPDATE routing SET next_attempt_at = @until WHERE signal_id = @id",
                ("@id", signalId), ("@until", (now + ClaimLease).ToUnixTimeMilliseconds()));
        }

        transaction.Commit();
        return due;
    }

    /// <summary>The soonest moment a pending signal is due, or null when nothing is pending.</summary>
    public DateTimeOffset? NextDue()
    {
        using var connection = database.Open();
        return Sql.ScalarInt64(connection, null, "SELECT min(next_attempt_at) FROM routing WHERE completed = 0") is { } at
            ? DateTimeOffset.FromUnixTimeMilliseconds(at)
            : null;
    }

    public IReadOnlySet<string> DoneRecipients(string signalId) => Outcomes(signalId).Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>The outcome per recipient of a signal's routing, e.g. "delivered", "denied".</summary>
    public IReadOnlyDictionary<string, string> Outcomes(string signalId)
    {
        using var connection = database.Open();
        using var command = Sql.Command(connection, null, "SELECT recipient, outcome FROM routing_done WHERE signal_id = @id", ("@id", signalId));
        using var reader = command.ExecuteReader();
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            outcomes[reader.GetString(0)] = reader.GetString(1);
        }

        return outcomes;
    }

    public void MarkDone(string signalId, string recipient, string outcome) =>
        Execute("INSERT INTO routing_done (signal_id, recipient, outcome) VALUES (@id, @r, @o) ON CONFLICT DO NOTHING", ("@id", signalId), ("@r", recipient), ("@o", outcome));

    public void Complete(string signalId) =>
        Execute("UPDATE routing SET completed = 1 WHERE signal_id = @id", ("@id", signalId));

    public void Reschedule(string signalId, DateTimeOffset next) =>
        Execute("UPDATE routing SET attempts = attempts + 1, next_attempt_at = @next WHERE signal_id = @id", ("@id", signalId), ("@next", next.ToUnixTimeMilliseconds()));

    public int Attempts(string signalId)
    {
        using var connection = database.Open();
        return (int)(Sql.ScalarInt64(connection, null, "SELECT attempts FROM routing WHERE signal_id = @id", ("@id", signalId)) ?? 0);
    }

    private static List<string> ReadIds(System.Data.Common.DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.Open();
        Sql.Execute(connection, null, sql, parameters);
    }
}
