using System.Collections.Concurrent;
using Exchange.Contracts.V1;
using Exchange.Node.Store;
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
        using var transaction = connection.BeginTransaction();
        using (var existing = connection.CreateCommand())
        {
            existing.Transaction = transaction;
            existing.CommandText = "SELECT cursor FROM inbox WHERE delivery_key = $key";
            existing.Parameters.AddWithValue("$key", deliveryKey);
            if (existing.ExecuteScalar() is long cursor)
            {
                return ((ulong)cursor, true);
            }
        }

        var delivery = new Delivery { DeliveryId = deliveryKey, Signal = signal, Receipt = receipt };
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO inbox (recipient, delivery_key, delivery, delivered_at) VALUES ($r, $key, $d, $at);
            SELECT last_insert_rowid();
            """;
        insert.Parameters.AddWithValue("$r", recipient);
        insert.Parameters.AddWithValue("$key", deliveryKey);
        insert.Parameters.AddWithValue("$d", _protector.Protect(delivery.ToByteArray()));
        insert.Parameters.AddWithValue("$at", time.GetUtcNow().ToUnixTimeMilliseconds());
        var inserted = (ulong)(long)insert.ExecuteScalar()!;
        transaction.Commit();
        Signal(recipient);
        return (inserted, false);
    }

    /// <summary>Deliveries after a cursor, oldest first.</summary>
    public IReadOnlyList<Delivery> Read(string recipient, ulong afterCursor, int limit)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT cursor, delivery FROM inbox WHERE recipient = $r AND cursor > $after ORDER BY cursor LIMIT $limit";
        command.Parameters.AddWithValue("$r", recipient);
        command.Parameters.AddWithValue("$after", (long)afterCursor);
        command.Parameters.AddWithValue("$limit", limit);
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
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT acknowledged_through FROM inbox_acks WHERE recipient = $r";
        command.Parameters.AddWithValue("$r", recipient);
        return command.ExecuteScalar() is long through ? (ulong)through : 0;
    }

    public ulong LatestCursor(string recipient)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(cursor) FROM inbox WHERE recipient = $r";
        command.Parameters.AddWithValue("$r", recipient);
        return command.ExecuteScalar() is long latest ? (ulong)latest : 0;
    }

    /// <summary>Moves the acknowledgement forward (never back) and returns where it stands.</summary>
    public ulong Acknowledge(string recipient, ulong cursor)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO inbox_acks (recipient, acknowledged_through) VALUES ($r, $c)
            ON CONFLICT (recipient) DO UPDATE SET acknowledged_through = max(acknowledged_through, $c);
            SELECT acknowledged_through FROM inbox_acks WHERE recipient = $r;
            """;
        command.Parameters.AddWithValue("$r", recipient);
        command.Parameters.AddWithValue("$c", (long)cursor);
        return (ulong)(long)command.ExecuteScalar()!;
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
