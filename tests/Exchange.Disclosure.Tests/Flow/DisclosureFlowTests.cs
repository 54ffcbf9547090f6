using System.Security.Cryptography;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Flow;
using Exchange.Disclosure.Pseudonyms;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Disclosure.Tests.Flow;

public sealed class DisclosureFlowTests
{
    private readonly PseudonymCodec _codec = new(RandomNumberGenerator.GetBytes(32));
    private readonly ScriptedAuthority _policy = new();
    private readonly RecordingNotices _notices = new();

    private string Leo => _codec.FromBsn("111222333");

    private string Nora => _codec.FromBsn("123456782");

    [Fact]
    public async Task A_denial_is_a_result_with_each_categorys_reason_as_the_recipient_may_be_told_and_nothing_is_released_or_recorded()
    {
        _policy.Answer = new DecideResponse
        {
            DecisionId = "d-1",
            Decision = Decision.Deny,
            ReasonCode = "INTIMATE_TERROR_OTHER_PARENT",
            RecipientReasonCode = "NOT_RELEASED_IN_THIS_CASE",
            Denied = { new CategoryDenial { Category = DataCategory.Incident, ReasonCode = "INTIMATE_TERROR_OTHER_PARENT", RuleId = "intimate-terror-other-parent" } },
            RecipientDenied = { new CategoryDenial { Category = DataCategory.Incident, ReasonCode = "NOT_RELEASED_IN_THIS_CASE" } },
        };

        var disclosed = await Flow().DiscloseAsync(Pull(DataCategory.Incident), [Incident()], TestContext.Current.CancellationToken);

        Assert.True(disclosed.IsDenied);
        Assert.Empty(disclosed.Records);
        Assert.Equal("NOT_RELEASED_IN_THIS_CASE", Assert.Single(disclosed.Receipt.Denied).ReasonCode);
        Assert.Empty(_policy.Releases);
        var status = DisclosureStatus.Denied(disclosed);
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Equal("NOT_RELEASED_IN_THIS_CASE", status.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.Equal("d-1", status.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["decision_id"]);
        Assert.Equal(disclosed.Receipt, status.GetRpcStatus()!.GetDetail<DisclosureReceipt>());
        Assert.DoesNotContain("INTIMATE", status.GetRpcStatus()!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_leaves_without_unreleased_fields_in_the_recipients_pseudonyms_and_is_recorded_per_subject_under_the_basis_that_decided()
    {
        _policy.Answer = Permit(DataCategory.Incident);

        var disclosed = await Flow().DiscloseAsync(Pull(DataCategory.Incident, DataCategory.Health), [Incident()], TestContext.Current.CancellationToken);

        var record = Assert.Single(disclosed.Records).Payload.Unpack<DomesticViolenceIncident>();
        Assert.Equal("pushed against the wall", record.Narrative);
        Assert.Empty(record.Injuries);
        Assert.Empty(record.Offence);
        Assert.Equal(_codec.ToOrganisation(Nora, "vt-mwb"), Assert.Single(record.Victims).Pseudonym);
        Assert.Equal("bpg-4-3", disclosed.Receipt.LegalBasis.Id);
        var release = Assert.Single(_policy.Releases);
        Assert.Equal(EntryKind.Release, release.Kind);
        Assert.Equal("bpg-4-3", release.LegalBasisId);
        Assert.True(release.LegalBasisChosen);
        Assert.Equal(7ul, release.ConcernsSequence);
        Assert.Equal(DisclosureFlow.Digest(disclosed.Records), release.ReleasedPayloadDigest);
    }

    [Fact]
    public async Task A_receipt_carries_the_decision_and_release_entries_and_the_checkpoint_of_the_release_that_includes_them_both()
    {
        _policy.Answer = Permit(DataCategory.Incident);
        _policy.Answer.LedgerCheckpoint = "decision checkpoint";
        _policy.Recorded = new AppendResponse { Sequences = { 9 }, Checkpoint = "release checkpoint" };

        var released = await Flow().DiscloseAsync(Pull(DataCategory.Incident), [Incident()], TestContext.Current.CancellationToken);
        _policy.Answer = new DecideResponse { Decision = Decision.Deny, LedgerSequences = { 11 }, LedgerCheckpoint = "denial checkpoint" };
        var denied = await Flow().DiscloseAsync(Pull(DataCategory.Incident), [Incident()], TestContext.Current.CancellationToken);

        Assert.Equal([7UL, 9UL], released.Receipt.LedgerSequences);
        Assert.Equal("release checkpoint", released.Receipt.LedgerCheckpoint);
        Assert.Equal([11UL], denied.Receipt.LedgerSequences);
        Assert.Equal("denial checkpoint", denied.Receipt.LedgerCheckpoint);
    }

    [Fact]
    public async Task A_record_whose_own_category_was_not_released_is_left_out_entirely_and_so_is_a_source_its_category_hides()
    {
        _policy.Answer = Permit(DataCategory.Contact);

        var contactOnly = await Flow().DiscloseAsync(Pull(DataCategory.Contact), [Incident()], TestContext.Current.CancellationToken);
        _policy.Answer = Permit(DataCategory.Incident, DataCategory.Contact, DataCategory.Safety);
        var withIncident = await Flow().DiscloseAsync(Pull(DataCategory.Incident, DataCategory.Contact, DataCategory.Safety), [Incident()], TestContext.Current.CancellationToken);

        Assert.Empty(contactOnly.Records);
        var record = Assert.Single(withIncident.Records);
        Assert.Equal("Dorpsstraat 1", record.Payload.Unpack<DomesticViolenceIncident>().Address);
        Assert.Equal([SourceKind.Interview], record.Provenance.Sources.Select(s => s.Kind));
        Assert.NotNull(record.OccurredAt);
    }

    [Fact]
    public async Task The_holder_is_told_of_a_break_glass_release_with_its_justification_and_of_a_notify_holder_release_with_a_notice_of_its_own()
    {
        _policy.Answer = Permit(DataCategory.Incident);
        _policy.Answer.BreakGlassUsed = true;
        _policy.Answer.Obligations.Add(new Obligation { Kind = ObligationKind.NotifyHolder });
        var intent = Pull(DataCategory.Incident) with { BreakGlassJustification = "Acute danger." };

        await Flow().DiscloseAsync(intent, [Incident()], TestContext.Current.CancellationToken);
        _policy.Answer = Permit(DataCategory.Incident);
        _policy.Answer.Obligations.Add(new Obligation { Kind = ObligationKind.NotifyHolder });
        await Flow().DiscloseAsync(Pull(DataCategory.Incident), [Incident()], TestContext.Current.CancellationToken);

        var breakGlass = Assert.IsType<BreakGlassNotice>(_notices.Sent[0].Notice);
        Assert.Equal("Acute danger.", breakGlass.Justification);
        Assert.Equal("bpg-4-3", breakGlass.LegalBasis.Id);
        Assert.Equal(_codec.ToOrganisation(Nora, "politie-zwb"), Assert.Single(breakGlass.Subjects).Pseudonym);
        var notice = Assert.IsType<DisclosureNotice>(_notices.Sent[1].Notice);
        Assert.Equal(Purpose.SafetyAssessment, notice.Purpose);
        Assert.Equal([DataCategory.Incident], notice.Released);
    }

    [Fact]
    public async Task Without_a_decision_nothing_is_released_recorded_or_told()
    {
        _policy.Failure = new RpcException(new Status(StatusCode.Unavailable, "policy down"));

        await Assert.ThrowsAsync<RpcException>(() => Flow().DiscloseAsync(Pull(DataCategory.Incident), [Incident()], TestContext.Current.CancellationToken));

        Assert.Empty(_policy.Releases);
        Assert.Empty(_notices.Sent);
    }

    private DisclosureFlow Flow() => new(_policy, _codec, [_notices]);

    private DisclosureIntent Pull(params DataCategory[] categories) => new(
        "politie-zwb",
        new Actor { OrganisationId = "vt-mwb", Role = "vt-onderzoeker", ProfessionalId = "vt-7" },
        [Nora],
        Purpose.SafetyAssessment,
        string.Empty,
        categories,
        DisclosureKind.Pull)
    {
        KnownSubjects = [Nora],
    };

    private static DecideResponse Permit(params DataCategory[] released) => new()
    {
        DecisionId = "d-2",
        Decision = Decision.Permit,
        Released = { released },
        LegalBasis = new LegalBasisRef { Id = "bpg-4-3" },
        LegalBasisChosen = true,
        LedgerSequences = { 7 },
    };

    private Signal Incident()
    {
        var signal = new Signal
        {
            Id = "signal-1",
            HolderOrganisationId = "politie-zwb",
            OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)),
            PublishedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Provenance = new Provenance
            {
                RecordedBy = new Actor { OrganisationId = "politie-zwb", ProfessionalId = "agent-1" },
                Sources = { new Source { Kind = SourceKind.PoliceReport, Description = "proces-verbaal" }, new Source { Kind = SourceKind.Interview } },
            },
            Payload = Any.Pack(new DomesticViolenceIncident
            {
                Suspect = new SubjectRef { Pseudonym = Leo },
                Victims = { new SubjectRef { Pseudonym = Nora } },
                Narrative = "pushed against the wall",
                Injuries = "bruised arm",
                Offence = "art. 300 Sr",
                Address = "Dorpsstraat 1",
            }),
        };
        signal.Subjects.AddRange([new SubjectRef { Pseudonym = Leo }, new SubjectRef { Pseudonym = Nora }]);
        return signal;
    }

    private sealed class ScriptedAuthority : IDisclosureAuthority
    {
        public DecideResponse Answer { get; set; } = new() { Decision = Decision.Deny };

        public Exception? Failure { get; set; }

        public List<LedgerEntry> Releases { get; } = [];

        public Task<DecideResponse> DecideAsync(DecideRequest request, CancellationToken cancellationToken) =>
            Failure is not null ? Task.FromException<DecideResponse>(Failure) : Task.FromResult(Answer);

        /// <summary>What the ledger answers to the release append.</summary>
        public AppendResponse Recorded { get; set; } = new();

        public Task<AppendResponse> RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
        {
            Releases.AddRange(entries);
            return Task.FromResult(Recorded);
        }
    }

    private sealed class RecordingNotices : IHolderNotices
    {
        public List<(string Holder, IMessage Notice)> Sent { get; } = [];

        public Task NotifyAsync(string holder, string key, IReadOnlyList<SubjectRef> subjects, IMessage notice, DisclosureReceipt receipt, CancellationToken cancellationToken)
        {
            Sent.Add((holder, notice));
            return Task.CompletedTask;
        }
    }
}
