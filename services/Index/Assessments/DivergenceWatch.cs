using Exchange.Contracts.V1;
using Exchange.Index.Families;
using Exchange.Index.Hosting;
using Exchange.Index.Involvements;
using Exchange.Index.Routing;
using Exchange.Disclosure.Pseudonyms;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Exchange.Index.Assessments;

/// <summary>
/// When two current safety assessments of one family differ by the threshold or more, every
/// organisation entitled to see both is told, so that the professionals talk: their pictures of the
/// same family collide, and the exchange makes that visible. Each holder's part is its own decision.
/// </summary>
public sealed class DivergenceWatch(
    FamilyGraph families,
    InvolvementStore involvements,
    Notifier notifier,
    PseudonymCodec codec,
    IOptions<IndexOptions> options,
    TimeProvider time)
{
    public async Task CheckAsync(IReadOnlyCollection<string> subjects, CancellationToken cancellationToken)
    {
        var current = families.CurrentAssessments(subjects);
        if (current.Count < 2)
        {
            return;
        }

        var low = current.MinBy(a => a.Score)!;
        var high = current.MaxBy(a => a.Score)!;
        if (high.Score - low.Score < options.Value.DivergenceThreshold)
        {
            return;
        }

        // Each organisation is told for the purpose it is involved for; a holder that is not involved,
        // for the safety assessment its own assessment served.
        var family = families.FamilyOf(subjects).Order(StringComparer.Ordinal).ToList();
        var purposes = involvements.ActiveWith(family, time.GetUtcNow())
            .Where(i => i.Purpose != Purpose.CaseConference)
            .GroupBy(i => i.OrganisationId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Purpose, StringComparer.Ordinal);
        foreach (var holder in new[] { low.Holder, high.Holder })
        {
            purposes.TryAdd(holder, Purpose.SafetyAssessment);
        }

        foreach (var (candidate, purpose) in purposes.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            await NotifyAsync(candidate, purpose, [low, high], subjects, cancellationToken);
        }
    }

    private async Task NotifyAsync(
        string recipient, Purpose purpose, IReadOnlyList<CurrentAssessment> pair, IReadOnlyCollection<string> subjects, CancellationToken cancellationToken)
    {
        var notice = new DivergentAssessments();
        var receipts = new List<DisclosureReceipt>(pair.Count);
        foreach (var assessment in pair)
        {
            var summary = new AssessmentSummary
            {
                SignalId = assessment.SignalId,
                HolderOrganisationId = assessment.Holder,
                Score = assessment.Score,
                AssessedAt = Timestamp.FromDateTimeOffset(assessment.RecordedAt),
            };
            if (assessment.Holder == recipient)
            {
                notice.Assessments.Add(summary);
                continue;
            }

            var disclosed = await notifier.DiscloseAsync(
                assessment.Holder, new Actor { OrganisationId = recipient }, [.. subjects], purpose, string.Empty,
                DataCategory.Safety, DisclosureKind.Push, summary, cancellationToken);
            if (disclosed is not { } released)
            {
                // Not entitled to see both: this organisation is not told.
                return;
            }

            notice.Assessments.Add((AssessmentSummary)released.Payload);
            receipts.Add(released.Disclosed.Receipt);
        }

        // The pair has two holders, so at least one part is another organisation's, decided above.
        var named = subjects.Select(s => new SubjectRef { Pseudonym = codec.ToOrganisation(s, recipient) }).ToList();
        notice.Subjects.AddRange(named);
        var key = $"divergent:{pair[0].SignalId}:{pair[1].SignalId}:{recipient}";
        await notifier.DeliverAsync(recipient, key, named, notice, receipts[0], cancellationToken);
    }
}
