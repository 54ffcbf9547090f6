using Exchange.Contracts.Node.V1;
using Exchange.Node.Store;
using Exchange.Storage;
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
        Sql.Execute(connection, null, """
            INSERT INTO holder_decisions (id, holder, state, requested_at, expires_at, request)
            VALUES (@id, @holder, 'pending', @at, @expires, @request)
            """,
            ("@id", request.HolderDecisionId),
            ("@holder", request.HolderOrganisationId),
            ("@at", request.RequestedAt.ToDateTimeOffset().ToUnixTimeMilliseconds()),
            ("@expires", request.ExpiresAt.ToDateTimeOffset().ToUnixTimeMilliseconds()),
            ("@request", _protector.Protect(request.ToByteArray())));
    }

    /// <summary>Takes a pending request of the holder for one decision; otherwise says where it stands (Unknown for another holder's).</summary>
    public (PendingHolderRequest? Request, HolderDecisionState State) Claim(string id, string holder)
    {
        using var connection = database.Open();
        if (Sql.Scalar(connection, null, """
                UPDATE holder_decisions SET state = 'deciding' WHERE id = @id AND holder = @holder AND state = 'pending'
                RETURNING request
                """, ("@id", id), ("@holder", holder)) is byte[] claimed)
        {
            return (Read(claimed), HolderDecisionState.Deciding);
        }

        return (null, Sql.Scalar(connection, null, "SELECT state FROM holder_decisions WHERE id = @id AND holder = @holder", ("@id", id), ("@holder", holder)) is string text
            ? Parse(text)
            : HolderDecisionState.Unknown);
    }

    /// <summary>Ends a claimed request as decided.</summary>
    public void Finish(string id, HolderDecisionState state, DateTimeOffset at)
    {
        using var connection = database.Open();
        Sql.Execute(connection, null, "UPDATE holder_decisions SET state = @state, decided_at = @at WHERE id = @id AND state = 'deciding'",
            ("@id", id), ("@state", state.ToString().ToLowerInvariant()), ("@at", at.ToUnixTimeMilliseconds()));
    }

    /// <summary>A decision that could not be completed (the ledger or an inbox was unreachable) leaves the request pending.</summary>
    public void Reopen(string id)
    {
        using var connection = database.Open();
        Sql.Execute(connection, null, "UPDATE holder_decisions SET state = 'pending' WHERE id = @id AND state = 'deciding'", ("@id", id));
    }

    /// <summary>At start: a decision interrupted by a stop is undone, so the request can be decided again.</summary>
    public int ReopenInterrupted()
    {
        using var connection = database.Open();
        return Sql.Execute(connection, null, "UPDATE holder_decisions SET state = 'pending' WHERE state = 'deciding'");
    }

    /// <summary>The holder's pending requests not yet expired, oldest first.</summary>
    public IReadOnlyList<PendingHolderRequest> Pending(string holder, DateTimeOffset now, int limit)
    {
        using var connection = database.Open();
        using var command = Sql.Command(connection, null, """
            SELECT request FROM holder_decisions
            WHERE state = 'pending' AND holder = @holder AND expires_at > @now
            ORDER BY requested_at, id LIMIT @limit
            """, ("@holder", holder), ("@now", now.ToUnixTimeMilliseconds()), ("@limit", limit));
        using var reader = command.ExecuteReader();
        var requests = new List<PendingHolderRequest>();
        while (reader.Read())
        {
            requests.Add(Read((byte[])reader[0]));
        }

        return requests;
    }

    /// <summary>Pending requests whose time is up, oldest deadline first.</summary>
    public IReadOnlyList<(string Id, string Holder)> Due(DateTimeOffset now, int limit)
    {
        using var connection = database.Open();
        using var command = Sql.Command(connection, null,
            "SELECT id, holder FROM holder_decisions WHERE state = 'pending' AND expires_at <= @now ORDER BY expires_at LIMIT @limit",
            ("@now", now.ToUnixTimeMilliseconds()), ("@limit", limit));
        using var reader = command.ExecuteReader();
        var due = new List<(string, string)>();
        while (reader.Read())
        {
            due.Add((reader.GetString(0), reader.GetString(1)));
        }

        return due;
    }

    private PendingHolderRequest Read(byte[] protectedBytes) => PendingHolderRequest.Parser.ParseFrom(_protector.Unprotect(protectedBytes));

    private static HolderDecisionState Parse(string text) =>
        Enum.TryParse<HolderDecisionState>(text, ignoreCase: true, out var state) ? state : HolderDecisionState.Unknown;
}
