using Exchange.Contracts.Ledger;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Evaluation;

namespace Exchange.Policy.Engine.Replay;

/// <summary>What a decision came to: how it was decided, what went, why not the rest, under which basis, by which rules.</summary>
public sealed record DecisionOutcome(Decision Decision, IReadOnlyList<DataCategory> Released, string ReasonCode, string LegalBasis, IReadOnlyList<string> RuleIds)
{
    /// <summary>True when a requester would see a difference: another decision, other categories, another reason or basis.</summary>
    public bool DiffersFrom(DecisionOutcome other) =>
        Decision != other.Decision
        || !Released.Order().SequenceEqual(other.Released.Order())
        || ReasonCode != other.ReasonCode
        || LegalBasis != other.LegalBasis;
}

/// <summary>A decision as the ledger recorded it: the request (one entry per subject), its facts, its moment and its outcome.</summary>
public sealed record RecordedDecision(string DecisionId, DateTimeOffset DecidedAt, DecideRequest Request, DecisionFacts Facts, string BundleHash, DecisionOutcome Outcome)
{
    public string Holder => Request.HolderOrganisationId;

    public string Recipient => Request.Recipient?.OrganisationId ?? string.Empty;
}

/// <summary>One recorded decision a candidate bundle decides otherwise; <see cref="Refused"/> when it refuses the request as invalid.</summary>
public sealed record ReplayedChange(RecordedDecision Recorded, DecisionOutcome? Replayed, string? Refused)
{
    public IEnumerable<DataCategory> ReleasedAdded => Replayed is null ? [] : Replayed.Released.Except(Recorded.Outcome.Released).Order();

    public IEnumerable<DataCategory> ReleasedRemoved => Recorded.Outcome.Released.Except(Replayed?.Released ?? []).Order();

    /// <summary>The rules that decided it then or would now: a change is listed under each.</summary>
    public IEnumerable<string> Rules => Recorded.Outcome.RuleIds.Union(Replayed?.RuleIds ?? [], StringComparer.Ordinal);
}

/// <summary>What a candidate bundle would have decided over a ledger's recorded decisions.</summary>
public sealed record ReplayReport(
    string BundleId,
    string BundleVersion,
    string BundleHash,
    int Replayed,
    int NotReplayable,
    IReadOnlyList<string> RecordedUnderBundles,
    IReadOnlyList<ReplayedChange> Changes)
{
    public int Unchanged => Replayed - Changes.Count;

    /// <summary>The changes by holder and recipient organisation, in name order.</summary>
    public IEnumerable<IGrouping<(string Holder, string Recipient), ReplayedChange>> ByPair =>
        Changes.GroupBy(c => (c.Recorded.Holder, c.Recorded.Recipient)).OrderBy(g => g.Key.Holder, StringComparer.Ordinal).ThenBy(g => g.Key.Recipient, StringComparer.Ordinal);

    /// <summary>The changes by each rule that decided them then or would now, in id order.</summary>
    public IEnumerable<IGrouping<string, ReplayedChange>> ByRule =>
        Changes.SelectMany(c => c.Rules.Select(rule => (rule, c))).GroupBy(x => x.rule, x => x.c, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
}

/// <summary>
/// What-if: decides a candidate bundle over the decisions a ledger recorded, each with the request, the facts and
/// the moment it was decided with (a covenant in force then counts as in force), and reports every decision that
/// would come out otherwise. A change a privacy officer or lawyer proposes is so judged on real traffic before it
/// is activated. Nothing is written anywhere.
/// </summary>
public static class DecisionReplay
{
    /// <summary>
    /// The recorded decisions of a ledger, in ledger order. A decision recorded before decisions carried their facts
    /// cannot be decided again faithfully; it is counted in <paramref name="withoutFacts"/>.
    /// </summary>
    public static IReadOnlyList<RecordedDecision> FromLedger(IEnumerable<LedgerEntry> entries, out int withoutFacts)
    {
        var decisions = new List<RecordedDecision>();
        withoutFacts = 0;
        foreach (var group in entries.Where(e => e.Kind == EntryKind.Decision && e.DecisionId.Length > 0).GroupBy(e => e.DecisionId, StringComparer.Ordinal))
        {
            var subjects = group.ToList();
            var first = subjects[0];
            if (first.Facts is null)
            {
                withoutFacts++;
                continue;
            }

            decisions.Add(new RecordedDecision(
                first.DecisionId,
                first.RecordedAt.ToDateTimeOffset(),
                DisclosureEntries.RequestOf(subjects),
                DecisionFacts.From(first.Facts),
                first.BundleHash,
                new DecisionOutcome(first.Decision, [.. first.Released], first.ReasonCode, first.LegalBasisId, [.. first.RuleIds])));
        }

        return decisions;
    }

    public static ReplayReport Run(CompiledBundle candidate, IReadOnlyList<RecordedDecision> decisions, int notReplayable = 0)
    {
        var changes = new List<ReplayedChange>();
        foreach (var recorded in decisions)
        {
            try
            {
                var decision = PolicyEvaluator.Decide(candidate, recorded.Request, recorded.Facts, recorded.DecidedAt);
                var replayed = new DecisionOutcome(decision.Decision, [.. decision.Released], decision.ReasonCode, decision.LegalBasis?.Id ?? string.Empty, decision.RuleIds);
                if (replayed.DiffersFrom(recorded.Outcome))
                {
                    changes.Add(new ReplayedChange(recorded, replayed, null));
                }
            }
            catch (PolicyInputException refused)
            {
                // E.g. the candidate no longer defines the purpose or the legal basis the request cited.
                changes.Add(new ReplayedChange(recorded, null, string.Join("; ", refused.Violations.Select(v => $"{v.Field}: {v.Description}"))));
            }
        }

        return new ReplayReport(
            candidate.Id,
            candidate.Version,
            candidate.Hash,
            decisions.Count,
            notReplayable,
            [.. decisions.Select(d => d.BundleHash).Distinct(StringComparer.Ordinal)],
            changes);
    }
}
