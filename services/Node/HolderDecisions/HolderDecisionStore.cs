using Exchange.Contracts.Node.V1;
using Exchange.Node.Store;
using Google.Protobuf;
using Microsoft.AspNetCore.DataProtection;

namespace Exchange.Node.HolderDecisions;

/// <summary>Where a request left to the holder stands.</summary>
public enum HolderDecisionState
{
    Unknown,
    Pending,
    Deciding,
    Approved,
    Declined,
    Expired,
}

/// <summary>
/// The requests the policy left to a holder this node hosts, kept until a professional of the holder decides them
/// or they expire. One decision at a time: a request is claimed (pending to deciding) in one statement, so two
/// professionals, or a professional and the expiry, never decide the same request twice.
/// </summary>
public sealed class HolderDecisionStore(NodeDatabase database, IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Exchange.Node.HolderDecisions.v1");

    public void Open(PendingHolderRequest request)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO holder_decisions (id, holder, state, requested_at, expires_at, request)
            VALUES ($id, $holder, 'pending', $at, $expires, $request)
            """;
        command.Parameters.AddWithValue("$id", request.HolderDecisionId);
        command.Parameters.AddWithValue("$holder", request.HolderOrganisationId);
        command.Parameters.AddWithValue("$at", request.RequestedAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", request.ExpiresAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$request", _protector.Protect(request.ToByteArray()));
        command.ExecuteNonQuery();
    }

    /// <summary>Takes a pending request of the holder for one decision; otherwise says where it stands (Unknown for another holder's).</summary>
    public (PendingHolderRequest? Request, HolderDecisionState State) Claim(string id, string holder)
    {
        using var connection = database.Open();
        using var claim = connection.CreateCommand();
        claim.CommandText = """
            UPDATE holder_decisions SET state = 'deciding' WHERE id = $id AND holder = $holder AND state = 'pending'
            RETURNING request
            """;
        claim.Parameters.AddWithValue("$id", id);
        claim.Parameters.AddWithValue("$holder", holder);
        if (claim.ExecuteScalar() is byte[] claimed)
        {
            return (Read(claimed), HolderDecisionState.Deciding);
        }

        using var state = connection.CreateCommand();
        state.CommandText = "SELECT state FROM holder_decisions WHERE id = $id AND holder = $holder";
        state.Parameters.AddWithValue("$id", id);
        state.Parameters.AddWithValue("$holder", holder);
        return (null, state.ExecuteScalar() is string text ? Parse(text) : HolderDecisionState.Unknown);
    }

    /// <summary>Ends a claimed request as decided.</summary>
    public void Finish(string id, HolderDecisionState state, DateTimeOffset at)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE holder_decisions SET state = $state, decided_at = $at WHERE id = $id AND state = 'deciding'";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$state", state.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    /// <summary>A decision that could not be completed (the ledger or an inbox was unreachable) leaves the request pending.</summary>
    public void Reopen(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE holder_decisions SET state = 'pending' WHERE id = $id AND state = 'deciding'";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    /// <summary>At start: a decision interrupted by a stop is undone, so the request can be decided again.</summary>
    public int ReopenInterrupted()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE holder_decisions SET state = 'pending' WHERE state = 'deciding'";
        return command.ExecuteNonQuery();
    }

    /// <summary>The holder's pending requests not yet expired, oldest first.</summary>
    public IReadOnlyList<PendingHolderRequest> Pending(string holder, DateTimeOffset now, int limit)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT request FROM holder_decisions
            WHERE state = 'pending' AND holder = $holder AND expires_at > $now
            ORDER BY requested_at, id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$holder", holder);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$limit", limit);
        return ReadAll(command);
    }

    /// <summary>Pending requests whose time is up, oldest deadline first.</summary>
    public IReadOnlyList<(string Id, string Holder)> Due(DateTimeOffset now, int limit)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, holder FROM holder_decisions WHERE state = 'pending' AND expires_at <= $now ORDER BY expires_at LIMIT $limit";
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var due = new List<(string, string)>();
        while (reader.Read())
        {
            due.Add((reader.GetString(0), reader.GetString(1)));
        }

        return due;
    }

    private List<PendingHolderRequest> ReadAll(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var requests = new List<PendingHolderRequest>();
        while (reader.Read())
        {
            requests.Add(Read((byte[])reader[0]));
        }

        return requests;
    }

    private PendingHolderRequest Read(byte[] protectedBytes) => PendingHolderRequest.Parser.ParseFrom(_protector.Unprotect(protectedBytes));

    private static HolderDecisionState Parse(string text) =>
        Enum.TryParse<HolderDecisionState>(text, ignoreCase: true, out var state) ? state : HolderDecisionState.Unknown;
}
