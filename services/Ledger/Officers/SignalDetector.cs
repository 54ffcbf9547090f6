using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger.Query;

namespace Exchange.Ledger.Officers;

/// <summary>
/// Access patterns worth a second look, computed from the entries of the officer's organisation: a
/// recipient's requests far above its own baseline, lookups not followed by an involvement, break-glass
/// use per professional, requests at unusual hours, repeated denials about one subject. A signal is a
/// prompt to look, not a finding; each carries the entries behind it.
/// </summary>
public sealed class SignalDetector(OfficerLedger officers)
{
    public const int MaxEntries = 200_000;
    private const int MaxEvidence = 200;

    public static SignalThresholds Defaults { get; } = new()
    {
        VolumeFactor = 3,
        VolumeMinPerDay = 20,
        BaselineDays = 28,
        LookupFollowUpHours = 72,
        BreakGlassPerProfessional = 2,
        UnusualFromHour = 22,
        UnusualToHour = 6,
        UnusualMinRequests = 3,
        RepeatedDenials = 3,
    };

    public async Task<DetectSignalsResponse> DetectAsync(
        Officer officer, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone, SignalThresholds thresholds, CancellationToken cancellationToken)
    {
        var now = officers.Time.GetUtcNow();
        var baselineFrom = from.AddDays(-thresholds.BaselineDays);
        // Up to now, not only to the period's end: an involvement after the period still follows a lookup in it.
        var entries = new List<LedgerEntry>();
        await foreach (var entry in officers.ScanAsync(officer, new LedgerQuery { From = baselineFrom, To = now > to ? now : to }, MaxEntries, cancellationToken))
        {
            entries.Add(entry);
        }

        bool InPeriod(LedgerEntry e)
        {
            var at = e.RecordedAt.ToDateTimeOffset();
            return at >= from && at < to;
        }

        var decisions = entries.Where(e => e.Kind == EntryKind.Decision).ToList();
        var requests = decisions.Where(e => e.DisclosureKind is DisclosureKind.Pull or DisclosureKind.Lookup).ToList();
        var found = new List<DetectedSignal>();

        // A recipient's requests per local day against its own mean per day over the baseline period.
        foreach (var byRecipient in requests.GroupBy(e => e.Requester.OrganisationId, StringComparer.Ordinal))
        {
            var baseline = (double)byRecipient.Count(e => e.RecordedAt.ToDateTimeOffset() < from) / Math.Max(1, thresholds.BaselineDays);
            foreach (var day in byRecipient.Where(InPeriod).GroupBy(e => LocalDate(e, zone)))
            {
                var count = day.Count();
                if (count >= thresholds.VolumeMinPerDay && count > thresholds.VolumeFactor * Math.Max(baseline, 1))
                {
                    found.Add(Signal(SignalKind.RequestVolume, [.. day], byRecipient.Key, string.Empty, string.Empty, baseline));
                }
            }
        }

        // A lookup with a hit, not followed within the follow-up time by an involvement of the one who looked
        // (registering an involvement matches the organisations found, which the ledger records with the registrant as holder).
        var followUp = TimeSpan.FromHours(thresholds.LookupFollowUpHours);
        foreach (var lookup in decisions.Where(e => e.DisclosureKind == DisclosureKind.Lookup && e.Decision != Decision.Deny && InPeriod(e)))
        {
            var at = lookup.RecordedAt.ToDateTimeOffset();
            if (at + followUp > now)
            {
                continue;
            }

            var followed = decisions.Any(e => e.DisclosureKind == DisclosureKind.Push && e.Purpose == Purpose.Coordination
                && e.HolderOrganisationId == lookup.Requester.OrganisationId && e.SubjectPseudonym == lookup.SubjectPseudonym
                && e.RecordedAt.ToDateTimeOffset() >= at);
            if (!followed)
            {
                found.Add(Signal(SignalKind.LookupWithoutInvolvement, [lookup], lookup.Requester.OrganisationId, lookup.Requester.ProfessionalId,
                    Subject(officer, lookup.SubjectPseudonym), 0));
            }
        }

        foreach (var professional in decisions.Where(e => e.BreakGlassJustification.Length > 0 && InPeriod(e))
                     .GroupBy(e => (e.Requester.OrganisationId, e.Requester.ProfessionalId)))
        {
            if (professional.Count() >= thresholds.BreakGlassPerProfessional)
            {
                found.Add(Signal(SignalKind.BreakGlassUse, [.. professional], professional.Key.OrganisationId, professional.Key.ProfessionalId, string.Empty, 0));
            }
        }

        foreach (var professional in requests.Where(e => InPeriod(e) && IsUnusualHour(e, zone, thresholds))
                     .GroupBy(e => (e.Requester.OrganisationId, e.Requester.ProfessionalId)))
        {
            if (professional.Count() >= thresholds.UnusualMinRequests)
            {
                found.Add(Signal(SignalKind.UnusualHours, [.. professional], professional.Key.OrganisationId, professional.Key.ProfessionalId, string.Empty, 0));
            }
        }

        foreach (var subject in decisions.Where(e => e.Decision == Decision.Deny && InPeriod(e)).GroupBy(e => e.SubjectPseudonym, StringComparer.Ordinal))
        {
            if (subject.Count() >= thresholds.RepeatedDenials)
            {
                found.Add(Signal(SignalKind.RepeatedDenials, [.. subject], string.Empty, string.Empty, Subject(officer, subject.Key), 0));
            }
        }

        var reviewed = new Dictionary<string, ulong>(StringComparer.Ordinal);
        await foreach (var review in officers.ScanAsync(officer, new LedgerQuery { Kind = EntryKind.SignalReview }, 100_000, cancellationToken))
        {
            reviewed[review.SignalReview.SignalId] = review.Sequence;
        }

        var response = new DetectSignalsResponse();
        foreach (var signal in found.OrderBy(s => s.FirstAt.ToDateTimeOffset()))
        {
            if (reviewed.TryGetValue(signal.Id, out var review))
            {
                signal.ReviewedSequence = review;
            }

            response.Signals.Add(signal);
        }

        var read = new OfficerRead
        {
            Purpose = OfficerReadPurpose.RegularReview,
            View = ReadView.Signals,
            From = OfficerLedger.Stamp(from),
            To = OfficerLedger.Stamp(to),
            EntriesAggregated = (ulong)entries.Count,
        };
        read.Sequences.AddRange(response.Signals.SelectMany(s => s.EvidenceSequences).Distinct().Take(1000));
        response.ReadSequence = await officers.RecordReadAsync(officer, read, cancellationToken);
        return response;
    }

    private string Subject(Officer officer, string exchangePseudonym) => officers.Pseudonyms.ToOrganisation(exchangePseudonym, officer.OrganisationId);

    /// <summary>
    /// One signal. Its id is the kind and the last entry behind it, so it stays the same while no new entry
    /// joins the pattern, and a reviewed signal comes back when one does.
    /// </summary>
    private static DetectedSignal Signal(SignalKind kind, IReadOnlyList<LedgerEntry> evidence, string organisation, string professional, string subject, double baseline)
    {
        var signal = new DetectedSignal
        {
            Id = $"{Name(kind)}-{evidence[^1].Sequence}",
            Kind = kind,
            OrganisationId = organisation,
            ProfessionalId = professional,
            SubjectPseudonym = subject,
            Count = (uint)evidence.Count,
            Baseline = Math.Round(baseline, 2),
            FirstAt = evidence[0].RecordedAt,
            LastAt = evidence[^1].RecordedAt,
        };
        signal.EvidenceSequences.AddRange(evidence.Take(MaxEvidence).Select(e => e.Sequence));
        return signal;
    }

    public static string Name(SignalKind kind) => kind switch
    {
        SignalKind.RequestVolume => "request-volume",
        SignalKind.LookupWithoutInvolvement => "lookup-without-involvement",
        SignalKind.BreakGlassUse => "break-glass-use",
        SignalKind.UnusualHours => "unusual-hours",
        SignalKind.RepeatedDenials => "repeated-denials",
        _ => "signal",
    };

    private static DateOnly LocalDate(LedgerEntry entry, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(entry.RecordedAt.ToDateTimeOffset(), zone).DateTime);

    private static bool IsUnusualHour(LedgerEntry entry, TimeZoneInfo zone, SignalThresholds thresholds)
    {
        var hour = TimeZoneInfo.ConvertTime(entry.RecordedAt.ToDateTimeOffset(), zone).Hour;
        return thresholds.UnusualFromHour <= thresholds.UnusualToHour
            ? hour >= thresholds.UnusualFromHour && hour < thresholds.UnusualToHour
            : hour >= thresholds.UnusualFromHour || hour < thresholds.UnusualToHour;
    }
}
