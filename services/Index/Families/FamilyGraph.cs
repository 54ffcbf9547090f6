using Exchange.Contracts.Index.V1;
using Exchange.Contracts.V1;
using Exchange.Index.Storage;
using System.Data.Common;
using Exchange.Storage;

namespace Exchange.Index.Families;

/// <summary>A current safety assessment of one holder about a family.</summary>
public sealed record CurrentAssessment(string SignalId, string Holder, string PayloadType, uint Score, DateTimeOffset RecordedAt);

/// <summary>
/// Which people belong together. People named in one signal form a family (merged as signals link
/// them); the fields a payload marks as alleged perpetrator and victim say who used violence against whom,
/// and so who the (ex-)partners are. Policy needs this for "never towards the other parent's side", and
/// divergence detection for "the same family".
/// </summary>
public sealed class FamilyGraph(IndexDatabase database, TimeProvider time)
{
    public void Record(RecordSignalFactsRequest facts)
    {
        using var connection = database.Open();
        // Merging families reads then writes: index replicas take turns, or two merges could each miss the other.
        using var transaction = database.BeginWrite(connection, IndexDatabase.FamiliesLock);
        var subjects = facts.Subjects.Distinct(StringComparer.Ordinal).ToList();
        Link(connection, transaction, [.. subjects.Concat(facts.AllegedPerpetrators).Concat(facts.Victims).Distinct(StringComparer.Ordinal)]);
        foreach (var (role, people) in new[] { (CaseFact.AllegedPerpetrator, facts.AllegedPerpetrators), (CaseFact.Victim, facts.Victims) })
        {
            foreach (var person in people.Distinct(StringComparer.Ordinal))
            {
                Execute(connection, transaction, "INSERT INTO case_roles (subject, role, signal_id) VALUES (@s, @r, @id) ON CONFLICT DO NOTHING", ("@s", person), ("@r", (int)role), ("@id", facts.SignalId));
            }
        }

        // Whoever is alleged to have used violence against someone is that person's (ex-)partner.
        foreach (var perpetrator in facts.AllegedPerpetrators)
        {
            foreach (var victim in facts.Victims.Where(v => v != perpetrator))
            {
                Execute(connection, transaction, "INSERT INTO partner_pairs (first, second) VALUES (@a, @b), (@b, @a) ON CONFLICT DO NOTHING", ("@a", perpetrator), ("@b", victim));
            }
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var subject in subjects)
        {
            if (facts.ViolenceType != ViolenceType.Unspecified)
            {
                Execute(connection, transaction,
                    "INSERT INTO violence_indications (subject, signal_id, violence_type, recorded_at) VALUES (@s, @id, @t, @at) ON CONFLICT DO NOTHING",
                    ("@s", subject), ("@id", facts.SignalId), ("@t", (int)facts.ViolenceType), ("@at", now));
            }

            if (facts.HasAssessmentScore)
            {
                Execute(connection, transaction,
                    "INSERT INTO assessments (signal_id, subject, holder, payload_type, score, recorded_at) VALUES (@id, @s, @h, @p, @score, @at) ON CONFLICT DO NOTHING",
                    ("@id", facts.SignalId), ("@s", subject), ("@h", facts.HolderOrganisationId), ("@p", facts.PayloadType), ("@score", (int)facts.AssessmentScore), ("@at", now));
            }
        }

        transaction.Commit();
    }

    /// <summary>Everyone in the families of these people, including themselves.</summary>
    public IReadOnlySet<string> FamilyOf(IEnumerable<string> subjects)
    {
        var members = new HashSet<string>(subjects, StringComparer.Ordinal);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT m.subject FROM family_members f JOIN family_members m ON m.family_id = f.family_id
            WHERE f.subject IN ({command.InList("s", members)})
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            members.Add(reader.GetString(0));
        }

        return members;
    }

    /// <summary>The newest violence-type indication recorded for anyone in these people's families.</summary>
    public ViolenceType ViolenceTypeOf(IEnumerable<string> subjects) => ViolenceTypeIn(FamilyOf(subjects));

    /// <summary>The newest violence-type indication recorded for anyone of a family.</summary>
    public ViolenceType ViolenceTypeIn(IReadOnlySet<string> family)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT violence_type FROM violence_indications WHERE subject IN ({command.InList("s", family)})
            ORDER BY recorded_at DESC, signal_id DESC LIMIT 1
            """;
        return command.ExecuteScalar() is { } type and not DBNull ? (ViolenceType)Convert.ToInt32(type, System.Globalization.CultureInfo.InvariantCulture) : ViolenceType.Unspecified;
    }

    /// <summary>
    /// True when the professional acts for a parent whose (ex-)partner belongs to the family the data is
    /// about, and the data is not about that parent: the other parent's side.
    /// </summary>
    public bool IsOtherParentSide(string actingFor, IReadOnlyCollection<string> subjects) =>
        IsOtherParentSide(actingFor, subjects, FamilyOf(subjects));

    /// <inheritdoc cref="IsOtherParentSide(string, IReadOnlyCollection{string})"/>
    public bool IsOtherParentSide(string actingFor, IReadOnlyCollection<string> subjects, IReadOnlySet<string> family)
    {
        if (string.IsNullOrEmpty(actingFor) || subjects.Contains(actingFor))
        {
            return false;
        }

        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT 1 FROM partner_pairs WHERE first = @a AND second IN ({command.InList("s", family)}) LIMIT 1";
        command.Add("@a", actingFor);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>The people of a family a signal named as having used violence, and as the ones it was used against.</summary>
    public (IReadOnlySet<string> AllegedPerpetrators, IReadOnlySet<string> Victims) RolesIn(IReadOnlySet<string> family)
    {
        var perpetrators = new HashSet<string>(StringComparer.Ordinal);
        var victims = new HashSet<string>(StringComparer.Ordinal);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT subject, role FROM case_roles WHERE subject IN ({command.InList("s", family)})";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ((CaseFact)reader.GetInt32(1) == CaseFact.AllegedPerpetrator ? perpetrators : victims).Add(reader.GetString(0));
        }

        return (perpetrators, victims);
    }

    /// <summary>The newest assessment of each holder about these people's families.</summary>
    public IReadOnlyList<CurrentAssessment> CurrentAssessments(IEnumerable<string> subjects)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT signal_id, holder, payload_type, score, recorded_at FROM assessments WHERE subject IN ({command.InList("s", FamilyOf(subjects))})";
        using var reader = command.ExecuteReader();
        var newest = new Dictionary<string, CurrentAssessment>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var assessment = new CurrentAssessment(reader.GetString(0), reader.GetString(1), reader.GetString(2), (uint)reader.GetInt64(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
            if (!newest.TryGetValue(assessment.Holder, out var known) || known.RecordedAt < assessment.RecordedAt
                || (known.RecordedAt == assessment.RecordedAt && string.CompareOrdinal(known.SignalId, assessment.SignalId) < 0))
            {
                newest[assessment.Holder] = assessment;
            }
        }

        return [.. newest.Values.OrderBy(a => a.Holder, StringComparer.Ordinal)];
    }

    /// <summary>Puts all these people in one family, merging the families they were in.</summary>
    private static void Link(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> subjects)
    {
        if (subjects.Count == 0)
        {
            return;
        }

        var families = new List<string>();
        foreach (var subject in subjects)
        {
            if (Sql.Scalar(connection, transaction, "SELECT family_id FROM family_members WHERE subject = @s", ("@s", subject)) is string family && !families.Contains(family))
            {
                families.Add(family);
            }
        }

        var target = families.Count > 0 ? families[0] : Guid.NewGuid().ToString("N");
        foreach (var other in families.Skip(1))
        {
            Execute(connection, transaction, "UPDATE family_members SET family_id = @t WHERE family_id = @o", ("@t", target), ("@o", other));
        }

        foreach (var subject in subjects)
        {
            Execute(connection, transaction, "INSERT INTO family_members (subject, family_id) VALUES (@s, @t) ON CONFLICT (subject) DO UPDATE SET family_id = excluded.family_id", ("@s", subject), ("@t", target));
        }
    }

    private static void Execute(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters) =>
        Sql.Execute(connection, transaction, sql, parameters);
}
