using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger.Grpc;
using Exchange.Ledger.Query;

namespace Exchange.Ledger.Officers;

/// <summary>
/// The overview of an officer's organisation: disclosures per purpose per week and the share denied
/// (decisions in the period), break-glass releases waiting for review and those past the deadline,
/// withholdings whose review date has come, the latest checkpoint and the latest verification.
/// </summary>
public sealed class OfficerOverview(OfficerLedger officers, VerificationRunner verification)
{
    /// <summary>The most decisions one overview counts; a longer period is refused rather than cut silently.</summary>
    public const int MaxEntries = 200_000;

    /// <summary>The review list a withholding is marked reviewed on when its review date has come.</summary>
    public const string WithholdingsList = "withholdings";

    public async Task<SummarizeResponse> SummarizeAsync(
        Officer officer, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var now = officers.Time.GetUtcNow();
        var response = new SummarizeResponse();
        var weeks = new SortedDictionary<(string Week, Purpose Purpose), WeekPurposeCount>();
        ulong aggregated = 0;
        await foreach (var entry in officers.ScanAsync(officer, new LedgerQuery { From = from, To = to, Kind = EntryKind.Decision }, MaxEntries, cancellationToken))
        {
            aggregated++;
            var key = (WeekStart(entry.RecordedAt.ToDateTimeOffset(), zone), entry.Purpose);
            if (!weeks.TryGetValue(key, out var count))
            {
                weeks[key] = count = new WeekPurposeCount { WeekStart = key.Item1, Purpose = entry.Purpose };
            }

            count.Decisions++;
            response.Decisions++;
            if (entry.Decision == Decision.Deny)
            {
                count.Denied++;
                response.Denied++;
            }
        }

        response.Weeks.AddRange(weeks.Values);

        // Open break-glass reviews are counted over the whole ledger: an old one does not stop being open.
        var pending = new LedgerQuery { Kind = EntryKind.Decision, BreakGlass = true, ReviewState = ReviewState.Pending };
        await foreach (var entry in officers.ScanAsync(officer, pending, 10_000, cancellationToken))
        {
            response.BreakGlassOpen.Add(entry.Sequence);
            if (entry.RecordedAt.ToDateTimeOffset() + deadline < now)
            {
                response.BreakGlassOverdue.Add(entry.Sequence);
            }
        }

        response.WithholdingsDue.AddRange(await WithholdingsDueAsync(officer, now, cancellationToken));
        response.LatestCheckpoint = LedgerGrpcService.ToMessage(await officers.Ledger.CheckpointAsync(cancellationToken));
        response.LastVerification = verification.Status;

        var read = new OfficerRead
        {
            Purpose = OfficerReadPurpose.RegularReview,
            View = ReadView.Overview,
            From = OfficerLedger.Stamp(from),
            To = OfficerLedger.Stamp(to),
            EntriesAggregated = aggregated,
        };
        read.Sequences.AddRange(response.BreakGlassOpen.Concat(response.WithholdingsDue).Take(1000));
        response.ReadSequence = await officers.RecordReadAsync(officer, read, cancellationToken);
        return response;
    }

    /// <summary>Withholdings whose review date has passed and that were not marked reviewed since.</summary>
    private async Task<List<ulong>> WithholdingsDueAsync(Officer officer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reviewed = new Dictionary<ulong, DateTimeOffset>();
        var reviews = new LedgerQuery { Kind = EntryKind.ListReview };
        await foreach (var review in officers.ScanAsync(officer, reviews, 100_000, cancellationToken))
        {
            if (review.ReviewList == WithholdingsList && review.HasConcernsSequence)
            {
                reviewed[review.ConcernsSequence] = review.RecordedAt.ToDateTimeOffset();
            }
        }

        var due = new List<ulong>();
        await foreach (var withholding in officers.ScanAsync(officer, new LedgerQuery { Kind = EntryKind.AccessReportWithholding }, 100_000, cancellationToken))
        {
            var reviewOn = withholding.Withholding.ReviewOn.ToDateTimeOffset();
            if (reviewOn <= now && !(reviewed.TryGetValue(withholding.Sequence, out var at) && at >= reviewOn))
            {
                due.Add(withholding.Sequence);
            }
        }

        return due;
    }

    /// <summary>The Monday of the week <paramref name="time"/> falls in, in <paramref name="zone"/> (ISO weeks start on Monday).</summary>
    public static string WeekStart(DateTimeOffset time, TimeZoneInfo zone)
    {
        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, zone).DateTime);
        return local.AddDays(-(((int)local.DayOfWeek + 6) % 7)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    }
}
