using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Officers;
using Exchange.Ledger.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Ledger.Tests.Officers;

/// <summary>
/// The privacy officers' service over gRPC: least privilege enforced by the ledger, every read recorded,
/// reviews, withholdings and signals as entries, proofs that verify.
/// </summary>
public sealed class OfficerServiceTests : IAsyncLifetime
{
    private const string Vt = SampleEntries.VeiligThuis;
    private const string Police = SampleEntries.Police;
    private const string Team = SampleEntries.SocialTeam;
    private OfficerHost? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OfficerHost Host => _host!;

    public async ValueTask InitializeAsync() => _host = await OfficerHost.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private string Nora => Host.Codec.FromBsn("123456782");

    private string Leo => Host.Codec.FromBsn("111222333");

    private static SearchRequest Search(OfficerReadPurpose purpose = OfficerReadPurpose.RegularReview) => new() { Purpose = purpose, View = ReadView.Search };

    [Fact]
    public async Task An_officer_finds_only_entries_their_organisation_holds_or_received_and_the_search_is_recorded_with_its_purpose()
    {
        var sequences = await Host.AppendAsync(
            SampleEntries.Decision(Nora, holder: Vt, recipient: SampleEntries.Raad),
            SampleEntries.Decision(Nora, holder: Police, recipient: Team),
            SampleEntries.Decision(Leo, holder: Police, recipient: Vt));

        var found = await Host.Officer(Vt, "fg-7").SearchAsync(Search(OfficerReadPurpose.Complaint), cancellationToken: Ct);

        Assert.Equal([sequences[0], sequences[2]], found.Entries.Select(e => e.Entry.Sequence));
        var read = Assert.Single(await Host.AllAsync(), e => e.Sequence == found.ReadSequence);
        Assert.Equal(EntryKind.OfficerRead, read.Kind);
        Assert.Equal(Vt, read.HolderOrganisationId);
        Assert.Equal(new Actor { OrganisationId = Vt, Role = Officer.Role, ProfessionalId = "fg-7" }, read.Requester);
        Assert.Equal(OfficerReadPurpose.Complaint, read.OfficerRead.Purpose);
        Assert.Equal([sequences[0], sequences[2]], read.OfficerRead.Sequences);
    }

    [Fact]
    public async Task An_officer_searches_with_and_sees_their_own_organisations_pseudonym_never_the_exchanges()
    {
        await Host.AppendAsync(SampleEntries.Decision(Nora, holder: Vt), SampleEntries.Decision(Leo, holder: Vt));
        var noraAtVt = Host.Codec.ToOrganisation(Nora, Vt);

        var request = Search();
        request.SubjectPseudonyms.Add(noraAtVt);
        var found = await Host.Officer(Vt).SearchAsync(request, cancellationToken: Ct);

        var entry = Assert.Single(found.Entries);
        Assert.Equal(noraAtVt, entry.SubjectPseudonym);
        Assert.Empty(entry.Entry.SubjectPseudonym);

        var foreign = Search();
        foreign.SubjectPseudonyms.Add(Host.Codec.ToOrganisation(Nora, Police));
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Host.Officer(Vt).SearchAsync(foreign, cancellationToken: Ct));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("subject_pseudonyms[0]", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_another_organisations_entry_is_permission_denied_and_the_attempt_is_recorded()
    {
        var sequences = await Host.AppendAsync(SampleEntries.Decision(Nora, holder: Police, recipient: Team));

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await Host.Officer(Vt).GetEntryAsync(new GetEntryRequest { Sequence = sequences[0], Purpose = OfficerReadPurpose.RegularReview }, cancellationToken: Ct));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal(PartyRule.NotParty, RpcErrors.ReasonOf(refused));
        var attempt = Assert.Single(await Host.AllAsync(), e => e.Kind == EntryKind.OfficerRead);
        Assert.Equal(Decision.Deny, attempt.Decision);
        Assert.Equal(PartyRule.NotParty, attempt.ReasonCode);
        Assert.Equal(Vt, attempt.Requester.OrganisationId);
        Assert.Equal([sequences[0]], attempt.OfficerRead.Sequences);
    }

    [Fact]
    public async Task An_entry_comes_with_its_release_and_a_proof_that_verifies_against_the_signed_checkpoint()
    {
        var decision = (await Host.AppendAsync(SampleEntries.Decision(Nora, holder: Vt)))[0];
        var release = SampleEntries.Decision(Nora, holder: Vt);
        release.Kind = EntryKind.Release;
        release.ConcernsSequence = decision;
        release.ReleasedPayloadDigest = Google.Protobuf.ByteString.CopyFrom(new byte[32]);
        await Host.AppendAsync(release);

        var response = await Host.Officer(Vt).GetEntryAsync(new GetEntryRequest { Sequence = decision, Purpose = OfficerReadPurpose.RegularReview }, cancellationToken: Ct);

        Assert.Equal(EntryKind.Release, Assert.Single(response.Related).Entry.Kind);
        var checkpoint = SignedCheckpoint.Open(response.Checkpoint.Note, NoteVerifier.Parse(response.VerifierKey), out _);
        Assert.NotNull(checkpoint);
        Assert.True(checkpoint.TreeSize > decision);
        Assert.True(MerkleProofs.VerifyInclusion(decision, checkpoint.TreeSize, MerkleHash.Leaf(response.Encoded.Span),
            [.. response.InclusionProof.Select(h => h.ToByteArray())], checkpoint.RootHash));
        Assert.Equal(decision, LedgerEntryFromBytes(response).Sequence);
    }

    [Fact]
    public async Task The_holders_officer_approves_a_break_glass_with_a_comment_and_the_review_is_an_entry()
    {
        var breakGlass = (await Host.AppendAsync(SampleEntries.Decision(Nora, holder: Vt, recipient: Police,
            purpose: Purpose.AcuteSafety, breakGlass: "Leo is on his way", review: ReviewState.Pending)))[0];

        var noComment = await Assert.ThrowsAsync<RpcException>(async () => await Host.Officer(Vt).ReviewBreakGlassAsync(
            new ReviewBreakGlassRequest { Sequence = breakGlass, Verdict = ReviewState.Approved, Comment = " " }, cancellationToken: Ct));
        Assert.Contains("comment", noComment.Status.Detail, StringComparison.Ordinal);
        var byRecipient = await Assert.ThrowsAsync<RpcException>(async () => await Host.Officer(Police).ReviewBreakGlassAsync(
            new ReviewBreakGlassRequest { Sequence = breakGlass, Verdict = ReviewState.Approved, Comment = "fine" }, cancellationToken: Ct));
        Assert.Equal(Exchange.Ledger.Grpc.OfficerGrpcService.ReviewByHolderOnly, RpcErrors.ReasonOf(byRecipient));

        var review = await Host.Officer(Vt).ReviewBreakGlassAsync(
            new ReviewBreakGlassRequest { Sequence = breakGlass, Verdict = ReviewState.Approved, Comment = "Acute danger was plausible." }, cancellationToken: Ct);

        var entry = Assert.Single(await Host.AllAsync(), e => e.Sequence == review.ReviewSequence);
        Assert.Equal(EntryKind.Review, entry.Kind);
        Assert.Equal(breakGlass, entry.ConcernsSequence);
        Assert.Equal("Acute danger was plausible.", entry.Review.Comment);
        Assert.Equal(Vt, entry.Review.Reviewer.OrganisationId);
        var queue = Search(OfficerReadPurpose.BreakGlassReview);
        queue.BreakGlass = true;
        var found = await Host.Officer(Vt).SearchAsync(queue, cancellationToken: Ct);
        Assert.Equal(ReviewState.Approved, Assert.Single(found.Entries).EffectiveReviewState);
    }

    [Fact]
    public async Task The_overview_counts_decisions_per_purpose_per_week_and_shows_a_break_glass_past_its_deadline()
    {
        await Host.AppendAsync(
            SampleEntries.Decision(Nora, holder: Vt, purpose: Purpose.ChildProtectionInvestigation),
            SampleEntries.Decision(Nora, holder: Vt, purpose: Purpose.ChildProtectionInvestigation, decision: Decision.Deny),
            SampleEntries.Decision(Nora, holder: Vt, recipient: Police, purpose: Purpose.AcuteSafety, breakGlass: "acute", review: ReviewState.Pending));
        Host.Clock.Advance(TimeSpan.FromHours(73));

        var overview = await Host.Officer(Vt).SummarizeAsync(new SummarizeRequest
        {
            From = Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow().AddDays(-28)),
            To = Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow()),
            TimeZone = "Europe/Amsterdam",
            ReviewDeadline = Duration.FromTimeSpan(TimeSpan.FromHours(72)),
        }, cancellationToken: Ct);

        var investigation = Assert.Single(overview.Weeks, w => w.Purpose == Purpose.ChildProtectionInvestigation);
        Assert.Equal("2026-11-30", investigation.WeekStart);
        Assert.Equal((2u, 1u), (investigation.Decisions, investigation.Denied));
        Assert.Equal((3UL, 1UL), (overview.Decisions, overview.Denied));
        Assert.Equal([2UL], overview.BreakGlassOverdue);
        Assert.Equal(VerificationState.NeverRun, overview.LastVerification.State);
        Assert.Equal(ReadView.Overview, Assert.Single(await Host.AllAsync(), e => e.Sequence == overview.ReadSequence).OfficerRead.View);
    }

    [Fact]
    public async Task Two_break_glass_uses_by_one_professional_are_a_signal_that_stays_reviewed_once_marked()
    {
        var uses = await Host.AppendAsync(
            SampleEntries.Decision(Nora, holder: Vt, recipient: Police, purpose: Purpose.AcuteSafety, breakGlass: "one", review: ReviewState.Pending),
            SampleEntries.Decision(Leo, holder: Vt, recipient: Police, purpose: Purpose.AcuteSafety, breakGlass: "two", review: ReviewState.Pending));
        var request = new DetectSignalsRequest
        {
            From = Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow().AddDays(-1)),
            To = Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow().AddMinutes(1)),
            TimeZone = "Europe/Amsterdam",
            Thresholds = SignalDetector.Defaults,
        };

        var signal = Assert.Single((await Host.Officer(Vt).DetectSignalsAsync(request, cancellationToken: Ct)).Signals);
        Assert.Equal(SignalKind.BreakGlassUse, signal.Kind);
        Assert.Equal((Police, "prof-17"), (signal.OrganisationId, signal.ProfessionalId));
        Assert.Equal(uses, signal.EvidenceSequences);
        Assert.False(signal.HasReviewedSequence);

        var review = await Host.Officer(Vt).ReviewSignalAsync(new ReviewSignalRequest
        {
            SignalId = signal.Id, Kind = signal.Kind, EvidenceSequences = { signal.EvidenceSequences }, Comment = "Both at the shelter; justified.",
        }, cancellationToken: Ct);

        var again = Assert.Single((await Host.Officer(Vt).DetectSignalsAsync(request, cancellationToken: Ct)).Signals);
        Assert.Equal(review.ReviewSequence, again.ReviewedSequence);
        Assert.Empty((await Host.Officer(Team).DetectSignalsAsync(request, cancellationToken: Ct)).Signals);
    }

    [Fact]
    public async Task Repeated_denials_about_one_subject_and_a_lookup_never_followed_by_an_involvement_are_signals()
    {
        var lookup = SampleEntries.Decision(Leo, holder: Vt, recipient: Team, purpose: Purpose.Coordination);
        lookup.DisclosureKind = DisclosureKind.Lookup;
        var followedLookup = SampleEntries.Decision(Nora, holder: Vt, recipient: Team, purpose: Purpose.Coordination);
        followedLookup.DisclosureKind = DisclosureKind.Lookup;
        var involvement = SampleEntries.Decision(Nora, holder: Team, recipient: Vt, purpose: Purpose.Coordination);
        involvement.DisclosureKind = DisclosureKind.Push;
        var denials = await Host.AppendAsync(
            SampleEntries.Decision(Nora, holder: Vt, decision: Decision.Deny),
            SampleEntries.Decision(Nora, holder: Vt, recipient: Police, decision: Decision.Deny),
            SampleEntries.Decision(Nora, holder: Vt, decision: Decision.Deny),
            SampleEntries.Decision(Leo, holder: Vt, decision: Decision.Deny));
        var lookups = await Host.AppendAsync(lookup, followedLookup, involvement);
        var from = Host.Clock.GetUtcNow().AddHours(-1);
        Host.Clock.Advance(TimeSpan.FromHours(73));

        var signals = (await Host.Officer(Vt).DetectSignalsAsync(new DetectSignalsRequest
        {
            From = Timestamp.FromDateTimeOffset(from),
            To = Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow()),
            TimeZone = "Europe/Amsterdam",
            Thresholds = SignalDetector.Defaults,
        }, cancellationToken: Ct)).Signals;

        var repeated = Assert.Single(signals, s => s.Kind == SignalKind.RepeatedDenials);
        Assert.Equal(denials.Take(3), repeated.EvidenceSequences);
        Assert.Equal(Host.Codec.ToOrganisation(Nora, Vt), repeated.SubjectPseudonym);
        var unfollowed = Assert.Single(signals, s => s.Kind == SignalKind.LookupWithoutInvolvement);
        Assert.Equal([lookups[0]], unfollowed.EvidenceSequences);
        Assert.Equal(Team, unfollowed.OrganisationId);
    }

    [Fact]
    public async Task A_withholding_records_ground_reasoning_recipients_review_date_and_whether_the_subject_is_told()
    {
        var release = (await Host.AppendAsync(SampleEntries.Decision(Nora, holder: Vt, recipient: Police)))[0];
        var request = new WithholdRecipientsRequest
        {
            SubjectPseudonym = Host.Codec.ToOrganisation(Nora, Vt),
            ConcernsSequence = release,
            Withholding = new Withholding
            {
                Ground = "uavg-41-1-i",
                Reasoning = "Naming the police would tell the alleged perpetrator where she is.",
                RecipientOrganisationIds = { Police },
                ReviewOn = Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow().AddMonths(3)),
                PrivacyOfficerInformed = true,
                SubjectInformed = false,
            },
        };

        var recorded = await Host.Officer(Vt).WithholdRecipientsAsync(request, cancellationToken: Ct);

        var entry = Assert.Single(await Host.AllAsync(), e => e.Sequence == recorded.WithholdingSequence);
        Assert.Equal(EntryKind.AccessReportWithholding, entry.Kind);
        Assert.Equal(Nora, entry.SubjectPseudonym);
        Assert.Equal(request.Withholding, entry.Withholding);

        request.Withholding.ReviewOn = Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow().AddDays(-1));
        var past = await Assert.ThrowsAsync<RpcException>(async () => await Host.Officer(Vt).WithholdRecipientsAsync(request, cancellationToken: Ct));
        Assert.Contains("withholding.review_on", past.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_now_runs_the_full_verification_in_the_background_and_reports_success()
    {
        await Host.AppendAsync([.. Enumerable.Range(0, 50).Select(i => SampleEntries.Decision(Nora, holder: Vt))]);

        var started = await Host.Officer(Vt).StartVerificationAsync(new StartVerificationRequest(), cancellationToken: Ct);
        Assert.NotEqual(VerificationState.NeverRun, started.Status.State);

        var status = started.Status;
        for (var attempt = 0; attempt < 200 && status.State == VerificationState.Running; attempt++)
        {
            await Task.Delay(50, Ct);
            status = (await Host.Officer(Vt).GetVerificationAsync(new GetVerificationRequest(), cancellationToken: Ct)).Status;
        }

        Assert.Equal(VerificationState.Succeeded, status.State);
        Assert.True(status.EntriesChecked >= 50);
    }

    private static LedgerEntry LedgerEntryFromBytes(GetEntryResponse response) => LedgerEntry.Parser.ParseFrom(response.Encoded);
}
