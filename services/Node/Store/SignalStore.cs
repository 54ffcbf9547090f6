using Exchange.Contracts.Classification;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.DataProtection;
using System.Data.Common;
using Exchange.Storage;

namespace Exchange.Node.Store;

/// <summary>A stored signal: the envelope carries exchange pseudonyms, never an organisation's own.</summary>
public sealed record StoredSignal(string Id, string HolderOrganisationId, string PayloadType, DateTimeOffset PublishedAt, Signal Signal);

/// <summary>
/// The signals each hosted organisation published, encrypted at rest. Only the subject index
/// (exchange pseudonyms) is readable, because it is what requests are answered by.
/// </summary>
public sealed class SignalStore(NodeDatabase database, IDataProtectionProvider protection)
{
    // A purpose string per store: keys rotate under Data Protection's key ring, old envelopes stay readable.
    private readonly IDataProtector _protector = protection.CreateProtector("Exchange.Node.SignalStore.v1");

    /// <summary>Stores a signal once per idempotency key; returns the stored one and whether it was already there.</summary>
    public (StoredSignal Signal, bool Duplicate) Add(Signal signal)
    {
        using var connection = database.Open();
        // Replicas sharing the store take turns per idempotency key: the check and the insert do not interleave.
        using var transaction = database.BeginWrite(connection, signal.IdempotencyKey.Length > 0 ? $"signal:{signal.HolderOrganisationId}:{signal.IdempotencyKey}" : null);
        if (signal.IdempotencyKey.Length > 0 && FindByIdempotencyKey(connection, transaction, signal.HolderOrganisationId, signal.IdempotencyKey) is { } existing)
        {
            return (existing, true);
        }

        Sql.Execute(connection, transaction, """
            INSERT INTO signals (id, holder, payload_type, idempotency_key, published_at, envelope)
            VALUES (@id, @holder, @type, @key, @published, @envelope)
            """,
            ("@id", signal.Id),
            ("@holder", signal.HolderOrganisationId),
            ("@type", Payloads.TypeName(signal.Payload)),
            ("@key", signal.IdempotencyKey.Length > 0 ? signal.IdempotencyKey : null),
            ("@published", signal.PublishedAt.ToDateTimeOffset().ToUnixTimeMilliseconds()),
            ("@envelope", _protector.Protect(signal.ToByteArray())));

        foreach (var subject in signal.Subjects.Select(s => s.Pseudonym).Distinct(StringComparer.Ordinal))
        {
            Sql.Execute(connection, transaction, "INSERT INTO signal_subjects (subject, signal_id, holder) VALUES (@subject, @id, @holder)",
                ("@subject", subject), ("@id", signal.Id), ("@holder", signal.HolderOrganisationId));
        }

        Sql.Execute(connection, transaction, "INSERT INTO routing (signal_id, next_attempt_at) VALUES (@id, 0)", ("@id", signal.Id));
        transaction.Commit();
        return (ToStored(signal), false);
    }

    public StoredSignal? Get(string id)
    {
        using var connection = database.Open();
        return Sql.Scalar(connection, null, "SELECT envelope FROM signals WHERE id = @id", ("@id", id)) is byte[] envelope ? Read(envelope) : null;
    }

    /// <summary>
    /// The holder's signals about a subject, newest first; restricted to payload types when any are given,
    /// and to the newest of each type when <paramref name="latestOnly"/>.
    /// </summary>
    public IReadOnlyList<StoredSignal> FindBySubject(string holder, string subject, IReadOnlyCollection<string> payloadTypes, bool latestOnly)
    {
        using var connection = database.Open();
        using var command = Sql.Command(connection, null, """
            SELECT s.payload_type, s.envelope FROM signal_subjects x JOIN signals s ON s.id = x.signal_id
            WHERE x.holder = @holder AND x.subject = @subject
            ORDER BY s.published_at DESC, s.id DESC
            """, ("@holder", holder), ("@subject", subject));
        var result = new List<StoredSignal>();
        var seenTypes = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var type = reader.GetString(0);
            if ((payloadTypes.Count > 0 && !payloadTypes.Contains(type)) || (latestOnly && !seenTypes.Add(type)))
            {
                continue;
            }

            result.Add(Read((byte[])reader[1]));
        }

        return result;
    }

    private StoredSignal? FindByIdempotencyKey(DbConnection connection, DbTransaction transaction, string holder, string key) =>
        Sql.Scalar(connection, transaction, "SELECT envelope FROM signals WHERE holder = @holder AND idempotency_key = @key", ("@holder", holder), ("@key", key)) is byte[] envelope
            ? Read(envelope)
            : null;

    private StoredSignal Read(byte[] envelope) => ToStored(Signal.Parser.ParseFrom(_protector.Unprotect(envelope)));

    private static StoredSignal ToStored(Signal signal) =>
        new(signal.Id, signal.HolderOrganisationId, Payloads.TypeName(signal.Payload), signal.PublishedAt.ToDateTimeOffset(), signal);
}
