using System.Globalization;
using System.Text.RegularExpressions;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Officers;
using Exchange.Ledger.Query;
using Exchange.Ledger.Verification;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Ledger.Grpc;

/// <summary>
/// <c>ledger.v1.OfficerService</c>: the privacy officers' console's access to the ledger. The officer and
/// their organisation come from the verified token; every read is narrowed to that organisation and
/// recorded before it is answered; asking for another organisation's entry is refused and recorded.
/// </summary>
public sealed partial class OfficerGrpcService(
    IOfficerAuthenticator authenticator,
    OfficerLedger officers,
    OfficerOverview overview,
    SignalDetector signals,
    VerificationRunner verification) : OfficerService.OfficerServiceBase
{
    public const int MaxSubjects = 20;
    public const int MaxListFilter = 20;
    public const int MaxComment = 2000;
    public const int MaxReasoning = 4000;
    public const int MaxIdLength = 100;
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(400);

    public override async Task<SearchResponse> Search(SearchRequest request, ServerCallContext context)
    {
        var officer = await authenticator.AuthenticateAsync(context);
        var ct = context.CancellationToken;
        var violations = new FieldViolations();
        RequirePurpose(violations, request.Purpose, "purpose");
        violations.Require(request.View is not (ReadView.Unspecified or ReadView.Entry or ReadView.Overview or ReadView.Signals or ReadView.Integrity or ReadView.Api)
            && System.Enum.IsDefined(request.View), "view", "Say where the search is made (search, family timeline, access report, review list, export).");
        violations.Require(request.SubjectPseudonyms.Count <= MaxSubjects, "subject_pseudonyms", $"At most {MaxSubjects} subjects.");
        violations.Require(request.LegalBasisIds.Count <= MaxListFilter && request.LegalBasisIds.All(IsId), "legal_basis_ids", $"At most {MaxListFilter} legal basis ids.");
        violations.Require(request.Kinds.Count <= MaxListFilter && request.Kinds.All(k => k != EntryKind.Unspecified && System.Enum.IsDefined(k)), "kinds", "Unknown entry kind.");
        violations.Require(request.ReleasedAny.Count <= MaxListFilter && request.ReleasedAny.All(c => c != DataCategory.Unspecified && System.Enum.IsDefined(c)),
            "released_any", "Unknown data category.");
        violations.Require(IsOptionalId(request.HolderOrganisationId), "holder_organisation_id", "Not an organisation id.");
        violations.Require(IsOptionalId(request.RecipientOrganisationId), "recipient_organisation_id", "Not an organisation id.");
        var subjects = new List<string>(request.SubjectPseudonyms.Count);
        for (var i = 0; i < request.SubjectPseudonyms.Count && i < MaxSubjects; i++)
        {
            if (officers.Pseudonyms.TryToExchange(request.SubjectPseudonyms[i].Trim(), officer.OrganisationId, out var subject))
            {
                subjects.Add(subject);
            }
            else
            {
                violations.Add($"subject_pseudonyms[{i}]", "Not a pseudonym of your organisation.");
            }
        }

        var query = LedgerGrpcService.ToQuery(new QueryRequest
        {
            From = request.From,
            To = request.To,
            HolderOrganisationId = request.HolderOrganisationId,
            RecipientOrganisationId = request.RecipientOrganisationId,
            Purpose = request.DisclosurePurpose,
            Decision = request.Decision,
            ReviewState = request.ReviewState,
            PageSize = request.PageSize,
            PageToken = request.PageToken,
        }, violations, "disclosure_purpose");
        violations.ThrowIfAny();

        query = query with
        {
            BreakGlass = request.HasBreakGlass ? request.BreakGlass : null,
            SubjectPseudonyms = subjects.Count > 0 ? subjects : null,
            LegalBasisIds = request.LegalBasisIds.Count > 0 ? [.. request.LegalBasisIds] : null,
            Kinds = request.Kinds.Count > 0 ? [.. request.Kinds] : null,
            ConcernsSequence = request.HasConcernsSequence ? request.ConcernsSequence : null,
        };
        var page = await officers.SearchAsync(officer, query, [.. request.ReleasedAny], ct);
        var response = new SearchResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        foreach (var entry in page.Entries)
        {
            response.Entries.Add(await officers.ViewAsync(officer, entry, ct));
        }

        var read = new OfficerRead { Purpose = request.Purpose, View = request.View, From = request.From, To = request.To };
        read.Sequences.AddRange(page.Entries.Select(e => e.Sequence));
        response.ReadSequence = await RecordAsync(officer, read, ct);
        return response;
    }

    public override async Task<GetEntryResponse> GetEntry(GetEntryRequest request, ServerCallContext context)
    {
        var officer = await authenticator.AuthenticateAsync(context);
        var ct = context.CancellationToken;
        var violations = new FieldViolations();
        RequirePurpose(violations, request.Purpose, "purpose");
        violations.ThrowIfAny();

        var found = await officers.ReadOneAsync(request.Sequence, ct);
        if (found is null)
        {
            RpcErrors.NotFound(ReasonCodes.InvalidArgument, "The ledger has no entry with that sequence.");
        }

        if (!PartyRule.IsParty(found.Entry, officer.OrganisationId))
        {
            throw await officers.RefuseAsync(officer, request.Purpose, ReadView.Entry, [request.Sequence], ct);
        }

        var related = new List<LedgerEntry>();
        if (found.Entry.HasConcernsSequence && await officers.ReadOneAsync(found.Entry.ConcernsSequence, ct) is { } concerned
            && PartyRule.IsParty(concerned.Entry, officer.OrganisationId))
        {
            related.Add(concerned.Entry);
        }

        await foreach (var entry in officers.ScanAsync(officer, new LedgerQuery { ConcernsSequence = request.Sequence }, 1000, ct))
        {
            related.Add(entry);
        }

        // The latest signed checkpoint covers the entry: signing one now when the entry is newer.
        var checkpoint = await officers.Ledger.CheckpointAsync(ct);
        var proof = officers.Ledger.ProveInclusion(request.Sequence, checkpoint.TreeSize);
        var response = new GetEntryResponse
        {
            Entry = await officers.ViewAsync(officer, found.Entry, ct),
            Encoded = ByteString.CopyFrom(found.Encoded),
            Checkpoint = LedgerGrpcService.ToMessage(checkpoint),
            VerifierKey = officers.Ledger.VerifierKey,
        };
        response.InclusionProof.AddRange(proof.Hashes.Select(ByteString.CopyFrom));
        foreach (var entry in related.OrderBy(e => e.Sequence))
        {
            response.Related.Add(await officers.ViewAsync(officer, entry, ct));
        }

        var read = new OfficerRead { Purpose = request.Purpose, View = ReadView.Entry, Sequences = { request.Sequence } };
        read.Sequences.AddRange(related.Select(e => e.Sequence));
        response.ReadSequence = await RecordAsync(officer, read, ct);
        return response;
    }

    public override async Task<SummarizeResponse> Summarize(SummarizeRequest request, ServerCallContext context)
    {
        var officer = await authenticator.AuthenticateAsync(context);
        var violations = new FieldViolations();
        var (from, to) = Period(request.From, request.To, violations);
        var zone = Zone(request.TimeZone, violations);
        violations.Require(request.ReviewDeadline is null || (request.ReviewDeadline.ToTimeSpan() > TimeSpan.Zero && request.ReviewDeadline.ToTimeSpan() <= TimeSpan.FromDays(90)),
            "review_deadline", "Between a moment and 90 days.");
        violations.ThrowIfAny();
        return await Guard(() => overview.SummarizeAsync(officer, from, to, zone!, request.ReviewDeadline?.ToTimeSpan() ?? TimeSpan.FromHours(72), context.CancellationToken));
    }

    public override async Task<DetectSignalsResponse> DetectSignals(DetectSignalsRequest request, ServerCallContext context)
    {
        var officer = await authenticator.AuthenticateAsync(context);
        var violations = new FieldViolations();
        var (from, to) = Period(request.From, request.To, violations);
        var zone = Zone(request.TimeZone, violations);
        var thresholds = request.Thresholds ?? SignalDetector.Defaults;
        violations
            .Require(thresholds.VolumeFactor is >= 1 and <= 1000, "thresholds.volume_factor", "Between 1 and 1000.")
            .Require(thresholds.VolumeMinPerDay is >= 1 and <= 1_000_000, "thresholds.volume_min_per_day", "Between 1 and 1000000.")
            .Require(thresholds.BaselineDays is >= 1 and <= 365, "thresholds.baseline_days", "Between 1 and 365.")
            .Require(thresholds.LookupFollowUpHours is >= 1 and <= 24 * 90, "thresholds.lookup_follow_up_hours", "Between 1 and 2160.")
            .Require(thresholds.BreakGlassPerProfessional is >= 1 and <= 10_000, "thresholds.break_glass_per_professional", "Between 1 and 10000.")
            .Require(thresholds.UnusualFromHour <= 23 && thresholds.UnusualToHour <= 23 && thresholds.UnusualFromHour != thresholds.UnusualToHour,
                "thresholds.unusual_from_hour", "Two different hours from 0 to 23.")
            .Require(thresholds.UnusualMinRequests is >= 1 and <= 10_000, "thresholds.unusual_min_requests", "Between 1 and 10000.")
            .Require(thresholds.RepeatedDenials is >= 2 and <= 10_000, "thresholds.repeated_denials", "Between 2 and 10000.");
        violations.ThrowIfAny();
        return await Guard(() => signals.DetectAsync(officer, from, to, zone!, thresholds, context.CancellationToken));
    }

    public override async Task<ReviewBreakGlassResponse> ReviewBreakGlass(ReviewBreakGlassRequest request, ServerCallContext context)
    {
        var officer = await authenticator.AuthenticateAsync(context);
        var violations = new FieldViolations()
            .Require(request.Verdict is ReviewState.Approved or ReviewState.Rejected, "verdict", "Approve or reject.");
        RequireText(violations, request.Comment, "comment", MaxComment);
        violations.ThrowIfAny();

        var entry = await PartyEntryAsync(officer, request.Sequence, OfficerReadPurpose.BreakGlassReview, ReadView.BreakGlassQueue, context.CancellationToken);
        if (entry.Kind != EntryKind.Decision || entry.BreakGlassJustification.Length == 0)
        {
            RpcErrors.FailedPrecondition(NotBreakGlass, "Only a break-glass decision is reviewed here.");
        }

        if (entry.HolderOrganisationId != officer.OrganisationId)
        {
            RpcErrors.PermissionDenied(ReviewByHolderOnly, "The holder's privacy officer reviews a break-glass release of its data.");
        }

        var review = OfficerEntry(EntryKind.Review, officer, entry);
        review.Review = new Review { Verdict = request.Verdict, Comment = request.Comment.Trim(), Reviewer = officer.ToActor() };
        return new ReviewBreakGlassResponse { ReviewSequence = await AppendAsync(review, context.CancellationToken) };
    }

    public override async Task<MarkReviewedResponse> MarkReviewed(MarkReviewedRequest request, ServerCallContext context)
    {
        var officer = await authenticator.AuthenticateAsync(context);
        var violations = new FieldViolations()
            .Require(ListId().IsMatch(request.ReviewList), "review_list", "A review list id: lower-case letters, digits and hyphens, at most 40.");
        RequireText(violations, request.Comment, "comment", MaxComment, required: false);
        violations.ThrowIfAny();

        var entry = await PartyEntryAsync(officer, request.Sequence, OfficerReadPurpose.RegularReview, ReadView.ReviewList, context.CancellationToken);
        var review = OfficerEntry(EntryKind.ListReview, officer, entry);
        review.ReviewList = request.ReviewList;
        review.Review = new Review { Comment = request.Comment.Trim(), Reviewer = officer.ToActor() };
        return new MarkReviewedResponse { ReviewSequence = await AppendAsync(review, context.CancellationToken) };
    }

    public override async Task<ReviewSignalResponse> ReviewSignal(ReviewSignalRequest request, ServerCallContext context)
    {
        var officer = await authenticator.AuthenticateAsync(context);
        var violations = new FieldViolations()
            .Require(request.SignalId.Length <= MaxIdLength && SignalId().IsMatch(request.SignalId), "signal_id", "A signal id as DetectSignals gave it.")
            .Require(request.Kind != SignalKind.Unspecified && System.Enum.IsDefined(request.Kind), "kind", "Unknown signal kind.")
            .Require(request.EvidenceSequences.Count is > 0 and <= 200, "evidence_sequences", "Between 1 and 200 entries.");
        RequireText(violations, request.Comment, "comment", MaxComment);
        violations.ThrowIfAny();

        LedgerEntry? last = null;
        foreach (var sequence in request.EvidenceSequences.Distinct())
        {
            last = await PartyEntryAsync(officer, sequence, OfficerReadPurpose.RegularReview, ReadView.Signals, context.CancellationToken);
        }

        var review = OfficerEntry(EntryKind.SignalReview, officer, null);
        review.SignalReview = new SignalReview { SignalId = request.SignalId, SignalKind = request.Kind, EvidenceSequences = { request.EvidenceSequences } };
        review.Review = new Review { Comment = request.Comment.Trim(), Reviewer = officer.ToActor() };
        review.DecisionId = last?.DecisionId ?? string.Empty;
        return new ReviewSignalResponse { ReviewSequence = await AppendAsync(review, context.CancellationToken) };
    }

    public override async Task<WithholdRecipientsResponse> WithholdRecipients(WithholdRecipientsRequest request, ServerCallContext context)
    {
        var officer = await authenticator.AuthenticateAsync(context);
        var now = officers.Time.GetUtcNow();
        var withholding = request.Withholding ?? new Withholding();
        var violations = new FieldViolations()
            .Require(IsId(withholding.Ground), "withholding.ground", "The ground (e.g. uavg-41-1-i) is required.")
            .Require(withholding.RecipientOrganisationIds.Count is > 0 and <= MaxListFilter && withholding.RecipientOrganisationIds.All(IsId),
                "withholding.recipient_organisation_ids", $"Between 1 and {MaxListFilter} organisation ids.")
            .Require(withholding.ReviewOn is { } reviewOn && reviewOn.ToDateTimeOffset() > now && reviewOn.ToDateTimeOffset() <= now.AddYears(2),
                "withholding.review_on", "A review date after today and within two years: a restriction is temporary.");
        RequireText(violations, withholding.Reasoning, "withholding.reasoning", MaxReasoning);
        var subject = string.Empty;
        violations.Require(officers.Pseudonyms.TryToExchange(request.SubjectPseudonym.Trim(), officer.OrganisationId, out subject),
            "subject_pseudonym", "Not a pseudonym of your organisation.");
        violations.ThrowIfAny();

        var concerned = await PartyEntryAsync(officer, request.ConcernsSequence, OfficerReadPurpose.AccessRequest, ReadView.AccessReport, context.CancellationToken);
        if (concerned.SubjectPseudonym != subject || concerned.HolderOrganisationId != officer.OrganisationId
            || !withholding.RecipientOrganisationIds.Contains(concerned.Requester?.OrganisationId ?? string.Empty))
        {
            RpcErrors.InvalidArgument("concerns_sequence", "Name a disclosure of your organisation about this subject to one of the recipients withheld.");
        }

        var entry = OfficerEntry(EntryKind.AccessReportWithholding, officer, concerned);
        entry.SubjectPseudonym = subject;
        entry.Withholding = new Withholding
        {
            Ground = withholding.Ground,
            Reasoning = withholding.Reasoning.Trim(),
            RecipientOrganisationIds = { withholding.RecipientOrganisationIds.Distinct(StringComparer.Ordinal) },
            ReviewOn = withholding.ReviewOn,
            PrivacyOfficerInformed = withholding.PrivacyOfficerInformed,
            SubjectInformed = withholding.SubjectInformed,
        };
        return new WithholdRecipientsResponse { WithholdingSequence = await AppendAsync(entry, context.CancellationToken) };
    }

    public override async Task<ListCheckpointsResponse> ListCheckpoints(ListCheckpointsRequest request, ServerCallContext context)
    {
        _ = await authenticator.AuthenticateAsync(context);
        if (request.PageSize > 100)
        {
            RpcErrors.InvalidArgument("page_size", "At most 100 checkpoints per call.");
        }

        var latest = await officers.Ledger.CheckpointAsync(context.CancellationToken);
        var response = new ListCheckpointsResponse { VerifierKey = officers.Ledger.VerifierKey, TreeSize = officers.Ledger.Size };
        var verifier = NoteVerifier.Parse(officers.Ledger.VerifierKey);
        var stored = await verification.CheckpointNotesAsync(context.CancellationToken);
        foreach (var note in stored.Reverse().Take(request.PageSize == 0 ? 20 : (int)request.PageSize))
        {
            if (SignedCheckpoint.Open(note, verifier, out _) is { } checkpoint)
            {
                response.Checkpoints.Add(LedgerGrpcService.ToMessage(checkpoint));
            }
        }

        if (response.Checkpoints.Count == 0)
        {
            response.Checkpoints.Add(LedgerGrpcService.ToMessage(latest));
        }

        return response;
    }

    public override async Task<StartVerificationResponse> StartVerification(StartVerificationRequest request, ServerCallContext context)
    {
        var officer = await authenticator.AuthenticateAsync(context);
        var status = verification.Start([.. request.TrustedCheckpoints.Select((note, i) => new TrustedCheckpoint(
            string.Create(CultureInfo.InvariantCulture, $"checkpoint {i + 1} held elsewhere"), note))]);
        await RecordAsync(officer, new OfficerRead { Purpose = OfficerReadPurpose.IntegrityCheck, View = ReadView.Integrity, EntriesAggregated = status.EntriesTotal },
            context.CancellationToken);
        return new StartVerificationResponse { Status = status };
    }

    public override async Task<GetVerificationResponse> GetVerification(GetVerificationRequest request, ServerCallContext context)
    {
        _ = await authenticator.AuthenticateAsync(context);
        return new GetVerificationResponse { Status = verification.Status };
    }

    public const string NotBreakGlass = "NOT_BREAK_GLASS";
    public const string ReviewByHolderOnly = "REVIEW_BY_HOLDER_ONLY";

    /// <summary>An entry the officer's organisation is party to; another's is refused and the attempt recorded.</summary>
    private async Task<LedgerEntry> PartyEntryAsync(Officer officer, ulong sequence, OfficerReadPurpose purpose, ReadView view, CancellationToken cancellationToken)
    {
        var found = await officers.ReadOneAsync(sequence, cancellationToken);
        if (found is null)
        {
            RpcErrors.NotFound(ReasonCodes.InvalidArgument, "The ledger has no entry with that sequence.");
        }

        if (!PartyRule.IsParty(found.Entry, officer.OrganisationId))
        {
            throw await officers.RefuseAsync(officer, purpose, view, [sequence], cancellationToken);
        }

        return found.Entry;
    }

    /// <summary>An officer's entry: the officer as requester, their organisation as holder, about what it concerns.</summary>
    private static LedgerEntry OfficerEntry(EntryKind kind, Officer officer, LedgerEntry? concerns)
    {
        var entry = new LedgerEntry
        {
            Kind = kind,
            TraceId = ServiceDefaults.Telemetry.ExchangeTelemetry.CurrentTraceId,
            Requester = officer.ToActor(),
            HolderOrganisationId = officer.OrganisationId,
        };
        if (concerns is not null)
        {
            entry.ConcernsSequence = concerns.Sequence;
            entry.DecisionId = concerns.DecisionId;
            entry.SubjectPseudonym = concerns.SubjectPseudonym;
        }

        return entry;
    }

    private async Task<ulong> AppendAsync(LedgerEntry entry, CancellationToken cancellationToken) =>
        await Guard(async () => (await officers.Ledger.AppendAsync([entry], cancellationToken))[0]);

    private Task<ulong> RecordAsync(Officer officer, OfficerRead read, CancellationToken cancellationToken) =>
        Guard(() => officers.RecordReadAsync(officer, read, cancellationToken));

    /// <summary>A read or review that cannot be recorded is not answered (fail closed).</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (LedgerUnavailableException)
        {
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.LedgerUnavailable, "The read could not be recorded in the ledger, so it is not answered.");
        }
    }

    private static void RequirePurpose(FieldViolations violations, OfficerReadPurpose purpose, string field) =>
        violations.Require(purpose != OfficerReadPurpose.Unspecified && System.Enum.IsDefined(purpose), field, "Say why you read: choose a purpose.");

    private static void RequireText(FieldViolations violations, string text, string field, int max, bool required = true) =>
        violations.Require((!required || text.Trim().Length > 0) && text.Length <= max, field,
            required ? $"Required, at most {max} characters." : $"At most {max} characters.");

    private static (DateTimeOffset From, DateTimeOffset To) Period(Timestamp? from, Timestamp? to, FieldViolations violations)
    {
        if (from is null || to is null)
        {
            violations.Add(from is null ? "from" : "to", "The period is required.");
            return default;
        }

        var (start, end) = (from.ToDateTimeOffset(), to.ToDateTimeOffset());
        violations.Require(start < end && end - start <= MaxPeriod, "to", $"After from, and at most {MaxPeriod.TotalDays:0} days later.");
        return (start, end);
    }

    private static TimeZoneInfo? Zone(string id, FieldViolations violations)
    {
        if (id.Length is > 0 and <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }

        violations.Add("time_zone", "An IANA time zone, e.g. Europe/Amsterdam.");
        return null;
    }

    private static bool IsId(string value) => value.Length is > 0 and <= MaxIdLength && OrganisationOrBasisId().IsMatch(value);

    private static bool IsOptionalId(string value) => value.Length == 0 || IsId(value);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*$")]
    private static partial Regex OrganisationOrBasisId();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex ListId();

    [GeneratedRegex("^[a-z][a-z-]*-[0-9]+$")]
    private static partial Regex SignalId();
}
