using Exchange.Contracts.V1;
using Exchange.Index.Storage;
using System.Data.Common;
using Exchange.Storage;
using Google.Protobuf;

namespace Exchange.Index.Involvements;

/// <summary>An organisation's involvement with people, with exchange pseudonyms.</summary>
public sealed record InvolvementRecord(
    string Id,
    string OrganisationId,
    Purpose Purpose,
    ContactPoint ContactPoint,
    DateTimeOffset Start,
    DateTimeOffset? End,
    DateTimeOffset? EndedAt,
    IReadOnlyList<string> Subjects)
{
    public bool IsActive(DateTimeOffset now) => EndedAt is null && Start <= now && (End is null || End > now);
}

public sealed class InvolvementStore(IndexDatabase database)
{
    public InvolvementRecord Add(InvolvementRecord involvement)
    {
        using var connection = database.Open();
        using var transaction = database.BeginWrite(connection);
        Sql.Execute(connection, transaction, """
            INSERT INTO involvements (id, organisation_id, purpose, contact_point, period_start, period_end, registered_at)
            VALUES (@id, @org, @purpose, @contact, @start, @end, @now)
            """,
            ("@id", involvement.Id),
            ("@org", involvement.OrganisationId),
            ("@purpose", (int)involvement.Purpose),
            ("@contact", involvement.ContactPoint.ToByteArray()),
            ("@start", involvement.Start.ToUnixTimeMilliseconds()),
            ("@end", involvement.End?.ToUnixTimeMilliseconds()),
            ("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        foreach (var subject in involvement.Subjects)
        {
            Sql.Execute(connection, transaction, "INSERT INTO involvement_subjects (involvement_id, subject) VALUES (@id, @s) ON CONFLICT DO NOTHING",
                ("@id", involvement.Id), ("@s", subject));
        }

        transaction.Commit();
        return involvement;
    }

    public InvolvementRecord? Get(string id)
    {
        using var connection = database.Open();
        using var command = Sql.Command(connection, null, Select("i.id = @id"), ("@id", id));
        return Read(command).FirstOrDefault();
    }

    public void End(string id, DateTimeOffset at)
    {
        using var connection = database.Open();
        Sql.Execute(connection, null, "UPDATE involvements SET ended_at = @at WHERE id = @id AND ended_at IS NULL", ("@id", id), ("@at", at.ToUnixTimeMilliseconds()));
    }

    /// <summary>The involvements active now with any of these people.</summary>
    public IReadOnlyList<InvolvementRecord> ActiveWith(IEnumerable<string> subjects, DateTimeOffset now)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The text holds parameter names only; the people are parameters.
        command.CommandText = Select($"i.ended_at IS NULL AND i.id IN (SELECT involvement_id FROM involvement_subjects WHERE subject IN ({command.InList("s", subjects.Distinct(StringComparer.Ordinal))}))");
#pragma warning restore CA2100
        return [.. Read(command).Where(i => i.IsActive(now)).OrderBy(i => i.Start).ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    private static string Select(string where) => $"""
        SELECT i.id, i.organisation_id, i.purpose, i.contact_point, i.period_start, i.period_end, i.ended_at,
               (SELECT string_agg(subject, ' ') FROM involvement_subjects s WHERE s.involvement_id = i.id)
        FROM involvements i WHERE {where}
        """;

    private static List<InvolvementRecord> Read(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var result = new List<InvolvementRecord>();
        while (reader.Read())
        {
            result.Add(new InvolvementRecord(
                reader.GetString(0),
                reader.GetString(1),
                (Purpose)reader.GetInt32(2),
                ContactPoint.Parser.ParseFrom((byte[])reader[3]),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.IsDBNull(7) ? [] : reader.GetString(7).Split(' ')));
        }

        return result;
    }
}
