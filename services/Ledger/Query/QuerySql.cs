using System.Text;
using Exchange.Ledger.Entries;

namespace Exchange.Ledger.Query;

/// <summary>
/// Builds the WHERE clause of a review query. The same SQL runs on SQLite and PostgreSQL: every
/// filter is a column of <c>ledger_entries</c> with an index on (column, sequence), so each filter
/// and the keyset order can be served from an index.
/// </summary>
internal static class QuerySql
{
    /// <summary>The latest review verdict of entry <c>e</c>, or its own state when never reviewed.</summary>
    private const string EffectiveReviewState =
        "COALESCE((SELECT r.review_verdict FROM ledger_entries r WHERE r.concerns_sequence = e.sequence AND r.kind = 3 "
        + "ORDER BY r.sequence DESC LIMIT 1), e.review_state)";

    public static (string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters) Build(LedgerQuery query, int limit)
    {
        var where = new List<string>();
        var parameters = new List<KeyValuePair<string, object>>();

        void Add(string condition, string name, object value)
        {
            where.Add(condition);
            parameters.Add(new(name, value));
        }

        // column IN (@name0, @name1, …): each value its own parameter, never spliced into the text.
        void AddAny<T>(string column, string name, IReadOnlyList<T> values, Func<T, object> parameter)
        {
            var names = new List<string>(values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                names.Add($"{name}{i}");
                parameters.Add(new($"{name}{i}", parameter(values[i])));
            }

            where.Add($"{column} IN ({string.Join(", ", names)})");
        }

        if (query.AfterSequence is { } after)
        {
            Add("e.sequence > @after", "@after", checked((long)after));
        }

        if (query.From is { } from)
        {
            Add("e.recorded_at >= @from", "@from", LedgerTime.ToUnixMicroseconds(from));
        }

        if (query.To is { } to)
        {
            Add("e.recorded_at < @to", "@to", LedgerTime.ToUnixMicroseconds(to));
        }

        if (!string.IsNullOrEmpty(query.HolderOrganisationId))
        {
            Add("e.holder_organisation_id = @holder", "@holder", query.HolderOrganisationId);
        }

        if (!string.IsNullOrEmpty(query.RecipientOrganisationId))
        {
            Add("e.recipient_organisation_id = @recipient", "@recipient", query.RecipientOrganisationId);
        }

        if (!string.IsNullOrEmpty(query.InvolvingOrganisationId))
        {
            // An OR of two indexed columns, written as a union of two index lookups.
            Add("e.sequence IN (SELECT sequence FROM ledger_entries WHERE holder_organisation_id = @involving "
                + "UNION SELECT sequence FROM ledger_entries WHERE recipient_organisation_id = @involving)",
                "@involving", query.InvolvingOrganisationId);
        }

        if (!string.IsNullOrEmpty(query.SubjectPseudonym))
        {
            Add("e.subject_pseudonym = @subject", "@subject", query.SubjectPseudonym);
        }

        if (query.SubjectPseudonyms is { Count: > 0 } subjects)
        {
            AddAny("e.subject_pseudonym", "@subjects", subjects, s => s);
        }

        if (query.Purpose is { } purpose)
        {
            Add("e.purpose = @purpose", "@purpose", (int)purpose);
        }

        if (!string.IsNullOrEmpty(query.LegalBasisId))
        {
            Add("e.legal_basis_id = @legal_basis", "@legal_basis", query.LegalBasisId);
        }

        if (query.LegalBasisIds is { Count: > 0 } bases)
        {
            AddAny("e.legal_basis_id", "@legal_bases", bases, b => b);
        }

        if (query.Decision is { } decision)
        {
            Add("e.decision = @decision", "@decision", (int)decision);
        }

        if (query.BreakGlass is { } breakGlass)
        {
            Add("e.break_glass = @break_glass", "@break_glass", breakGlass ? 1 : 0);
        }

        if (query.Kind is { } kind)
        {
            Add("e.kind = @kind", "@kind", (int)kind);
        }

        if (query.Kinds is { Count: > 0 } kinds)
        {
            AddAny("e.kind", "@kinds", kinds, k => (int)k);
        }

        if (query.ConcernsSequence is { } concerns)
        {
            Add("e.concerns_sequence = @concerns", "@concerns", checked((long)concerns));
        }

        if (query.ReviewState is { } state)
        {
            // Candidates come from two indexes (own state, review verdicts); the effective state decides.
            Add("e.sequence IN (SELECT sequence FROM ledger_entries WHERE review_state = @review_state "
                + "UNION SELECT concerns_sequence FROM ledger_entries WHERE kind = 3 AND review_verdict = @review_state) "
                + $"AND {EffectiveReviewState} = @review_state",
                "@review_state", (int)state);
        }

        var sql = new StringBuilder("SELECT e.entry FROM ledger_entries e");
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        sql.Append(" ORDER BY e.sequence LIMIT @limit");
        parameters.Add(new("@limit", limit));
        return (sql.ToString(), parameters);
    }
}
