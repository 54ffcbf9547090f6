using System.Collections.Concurrent;
using Exchange.Contracts.V1;
using Exchange.Node.Store;
using Exchange.Storage;
using Google.Protobuf;
using Microsoft.AspNetCore.DataProtection;

namespace Exchange.Node.Inbox;

/// <summary>
/// The inbox of each organisation this node hosts. A delivery is stored once per delivery key, so a
/// delivery retried after a crash lands exactly once; subscribers wait on an in-memory signal, the
/// store is the truth.
/// </summary>
public sealed class InboxStore(NodeDatabase database, IDataProtectionProvider protection, TimeProvider time)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Exchange.Node.Inbox.v1");
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrivals = new(StringComparer.Ordinal);

    public (ulong Cursor, bool Duplicate) Deliver(string recipient, string deliveryKey, Signal signal, DisclosureReceipt receipt)
    {
        using var connection = database.Open();
        // One delivery per recipient at a time, also across replicas sharing the store: a cursor is taken and
        // committed before the next one is taken, so a reader that has seen cursor n never later meets one below n.
        using var transaction = database.BeginWrite(connection, "inbox:" + recipient);
        if (Sql.ScalarInt64(connection, transaction, "SELECT cursor FROM inbox WHERE delivery_key = @key", ("@key", deliveryKey)) is { } existing)
        {
            return ((ulong)existing, true);
        }

        var delivery = new Delivery { DeliveryId = deliveryKey, Signal = signal, Receipt = receipt };
        var inserted = (ulong)Sql.ScalarInt64(connection, transaction,
            "INSERT INTO inbox (recipient, delivery_key, delivery, delivered_at) VALUES (@r, @key, @d, @at) RETURNING cursor",
            ("@r", recipient), ("@key", deliveryKey), ("@d", _protector.Protect(delivery.ToByteArray())), ("@at", time.GetUtcNow().ToUnixTimeMilliseconds()))!.Value;
        transaction.Commit();
        Signal(recipient);
        return (inserted, false);
    }

    /// <summary>Deliveries after a cursor, oldest first.</summary>
    public IReadOnlyList<Delivery> Read(string recipient, ulong afterCursor, int limit)
    {
        using var connection = database.Open();
        using var command = Sql.Command(connection, null, "SELECT cursor, delivery FROM inbox WHERE recipient = @r AND cursor > @after ORDER BY cursor LIMIT @limit",
            ("@r", recipient), ("@after", (long)afterCursor), ("@limit", limit));
        using var reader = command.ExecuteReader();
        var deliveries = new List<Delivery>();
        while (reader.Read())
        {
            var delivery = Delivery.Parser.ParseFrom(_protector.Unprotect((byte[])reader[1]));
            delivery.Cursor = (ulong)reader.GetInt64(0);
            deliveries.Add(delivery);
        }

        return deliveries;
    }

    public ulong AcknowledgedThrough(string recipient)
    {
        using var connection = database.Open();
        return (ulong)(Sql.ScalarInt64(connection, null, "SELECT acknowledged_through FROM inbox_acks WHERE recipient = @r", ("@r", recipient)) ?? 0);
    }

    public ulong LatestCursor(string recipient)
    {
        using var connection = database.Open();
        return (ulong)(Sql.ScalarInt64(connection, null, "SELECT max(cursor) FROM inbox WHERE recipient = @r", ("@r", recipient)) ?? 0);
    }

    /// <summary>Moves the acknowledgement forward (never back) and returns where it stands.</summary>
    public ulong Acknowledge(string recipient, ulong cursor)
    {
        using var connection = database.Open();
        return (ulong)Sql.ScalarInt64(connection, null, """
            INSERT INTO inbox_acks (recipient, acknowledged_through) VALUES (@r, @c)
            ON CONFLICT (recipient) DO UPDATE SET acknowledged_through = CASE
                WHEN inbox_acks.acknowledged_through > excluded.acknowledged_through THEN inbox_acks.acknowledged_through
                ELSE excluded.acknowledged_through END
            RETURNING acknowledged_through
            """, ("@r", recipient), ("@c", (long)cursor))!.Value;
    }

    /// <summary>
    /// Completes when the next delivery for the recipient commits. Take it before reading the inbox:
    /// whatever commits after that wakes it, whatever committed before is in the read.
    /// </summary>
    public Task NextArrival(string recipient) =>
        _arrivals.GetOrAdd(recipient, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private void Signal(string recipient)
    {
        if (_arrivals.TryRemove(recipient, out var arrival))
        {
            arrival.TrySetResult();
        }
    }
}
