using Exchange.Node.Store;

namespace Exchange.Node.Routing;

/// <summary>The routing outbox: which stored signals still have recipients to be decided and delivered.</summary>
public sealed class RoutingStore(NodeDatabase database)
{
    public IReadOnlyList<string> Due(DateTimeOffset now, int limit)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT signal_id FROM routing WHERE completed = 0 AND next_attempt_at <= $now ORDER BY next_attempt_at, signal_id LIMIT $limit";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var due = new List<string>();
        while (reader.Read())
        {
            due.Add(reader.GetString(0));
        }

        return due;
    }

    /// <summary>The soonest moment a pending signal is due, or null when nothing is pending.</summary>
    public DateTimeOffset? NextDue()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(next_attempt_at) FROM routing WHERE completed = 0";
        return command.ExecuteScalar() is long at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;
    }

    public IReadOnlySet<string> DoneRecipients(string signalId)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT recipient FROM routing_done WHERE signal_id = $id";
        command.Parameters.AddWithValue("$id", signalId);
        using var reader = command.ExecuteReader();
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            done.Add(reader.GetString(0));
        }

        return done;
    }

    /// <summary>The outcome per recipient of a signal's routing, e.g. "delivered", "denied".</summary>
    public IReadOnlyDictionary<string, string> Outcomes(string signalId)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT recipient, outcome FROM routing_done WHERE signal_id = $id";
        command.Parameters.AddWithValue("$id", signalId);
        using var reader = command.ExecuteReader();
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            outcomes[reader.GetString(0)] = reader.GetString(1);
        }

        return outcomes;
    }

    public void MarkDone(string signalId, string recipient, string outcome) =>
        Execute("INSERT OR IGNORE INTO routing_done (signal_id, recipient, outcome) VALUES ($id, $r, $o)", ("$id", signalId), ("$r", recipient), ("$o", outcome));

    public void Complete(string signalId) =>
        Execute("UPDATE routing SET completed = 1 WHERE signal_id = $id", ("$id", signalId));

    public void Reschedule(string signalId, DateTimeOffset next) =>
        Execute("UPDATE routing SET attempts = attempts + 1, next_attempt_at = $next WHERE signal_id = $id", ("$id", signalId), ("$next", next.ToUnixTimeMilliseconds()));

    public int Attempts(string signalId)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT attempts FROM routing WHERE signal_id = $id";
        command.Parameters.AddWithValue("$id", signalId);
        return command.ExecuteScalar() is long attempts ? (int)attempts : 0;
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
