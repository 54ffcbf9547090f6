using Exchange.Contracts.Ledger;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.SocialTeam.V1;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Flow;
using Exchange.Node.HolderDecisions;
using Exchange.Node.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;

namespace Exchange.Node.Tests.HolderDecisions;

/// <summary>
/// The social team holds Leo's support plan; the Raad asks for his addiction under BW 1:240, a right the team's
/// professional weighs, so the policy (faked here) leaves the request to the team.
/// </summary>
public sealed class HolderDecisionFlowTests : IDisposable
{
    private const string Team = "swt-tilburg";
    private const string Raad = "rvdk-zuidwest";
    private readonly NodeFixture _node = new(Team, Domain.SocialTeam, "socialteam.v1");
    private readonly HolderDecisionFlow _flow;
    private readonly string _leo;

    public HolderDecisionFlowTests()
    {
        _leo = _node.Person("111222333");
        _node.Store.Add(TestSignals.Stored(Team, new SupportPlan
        {
            Person = new SubjectRef { Pseudonym = _leo },
            Addiction = "Alcohol; in outpatient treatment since September.",
            Circumstances = "Debts after the separation.",
        }, _leo));
        // Left to the holder until a professional of the holder approved; then what was approved is released.
        _node.Authority.Rule = r => r.HolderDecision is null ? (Decision.HolderDecisionRequired, [.. r.Categories]) : (Decision.Permit, [.. r.Categories]);
        _node.Delivery.Target = _node.Inbox;
        _flow = _node.HolderDecisionFlow();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task A_request_left_to_the_holder_waits_in_its_inbox_with_what_was_asked_by_whom_and_why()
    {
        var receipt = await AskAsync();

        Assert.Equal(Decision.HolderDecisionRequired, receipt.Decision);
        Assert.Equal([DataCategory.Involvement, DataCategory.Health], receipt.AwaitingHolder);
        Assert.Equal(_node.Time.Now.AddDays(5), receipt.HolderDecisionExpiresAt.ToDateTimeOffset());
        var request = Assert.Single(Payloads<HolderDecisionRequested>(Team));
        Assert.Equal(receipt.HolderDecisionId, request.HolderDecisionId);
        Assert.Equal(("raadsonderzoeker", "rvdk-113"), (request.Requester.Role, request.Requester.ProfessionalId));
        Assert.Equal(_node.Codec.ToOrganisation(_leo, Team), Assert.Single(request.Subjects).Pseudonym);
        Assert.Equal((Purpose.ChildProtectionInvestigation, "bw-1-240"), (request.Purpose, request.LegalBasis.Id));
        Assert.Equal("For the investigation: is the father's drinking a risk to the children?", request.Explanation);
        Assert.Equal([DataCategory.Involvement, DataCategory.Health], request.Awaiting);
        var pending = Assert.Single(_flow.Pending(Team));
        Assert.Equal(receipt.HolderDecisionId, pending.HolderDecisionId);
        Assert.Empty(Payloads<SupportPlan>(Raad));
    }

    [Fact]
    public async Task Approval_releases_through_the_disclosure_path_into_the_requesters_inbox_and_every_step_names_who_decided()
    {
        var asked = await AskAsync();

        var approved = await _flow.ApproveAsync(Team, Approve(asked.HolderDecisionId), Ct);

        Assert.Equal(1u, approved.RecordsDelivered);
        var entry = Assert.Single(_node.Authority.Releases, e => e.Kind == EntryKind.HolderDecision);
        Assert.Equal((Decision.Permit, DisclosureEntries.HolderApproved), (entry.Decision, entry.ReasonCode));
        Assert.Equal(("sociaal werker", "sw-0042", Team), (entry.DecidedBy.Role, entry.DecidedBy.ProfessionalId, entry.DecidedBy.OrganisationId));
        Assert.Equal("The Raad needs it to judge the children's safety; the father knows the Raad asks.", entry.HolderDecisionReason);
        Assert.True(entry.BasisWeighedByHolder);
        Assert.Equal(asked.HolderDecisionId, entry.HolderDecisionId);
        var again = _node.Authority.Decisions[^1];
        Assert.Equal(("sw-0042", asked.HolderDecisionId), (again.HolderDecision.DecidedBy.ProfessionalId, again.HolderDecision.HolderDecisionId));
        Assert.Equal("bw-1-240", again.LegalBasis.Id);
        var release = Assert.Single(_node.Authority.Releases, e => e.Kind == EntryKind.Release);
        Assert.Equal(("sw-0042", asked.HolderDecisionId), (release.DecidedBy.ProfessionalId, release.HolderDecisionId));

        var plan = Assert.Single(Payloads<SupportPlan>(Raad));
        Assert.Equal("Alcohol; in outpatient treatment since September.", plan.Addiction);
        Assert.Empty(plan.Circumstances);
        var delivered = _node.Inbox.Read(Raad, 0, 10).Single(d => d.Signal.Payload.Is(SupportPlan.Descriptor));
        Assert.Equal(("sw-0042", asked.HolderDecisionId), (delivered.Receipt.DecidedBy.ProfessionalId, delivered.Receipt.HolderDecisionId));
        var outcome = Assert.Single(Payloads<HolderDecisionOutcome>(Raad));
        Assert.Equal(HolderDecisionOutcome.Types.Outcome.Released, outcome.Outcome);
        Assert.Equal(_node.Codec.ToOrganisation(_leo, Raad), Assert.Single(outcome.Subjects).Pseudonym);
        Assert.Empty(_flow.Pending(Team));
    }

    [Fact]
    public async Task A_request_is_decided_once()
    {
        var asked = await AskAsync();
        await _flow.ApproveAsync(Team, Approve(asked.HolderDecisionId), Ct);

        var twice = await Assert.ThrowsAsync<RpcException>(() => _flow.DeclineAsync(Team, Decline(asked.HolderDecisionId), Ct));

        Assert.Equal((StatusCode.FailedPrecondition, ReasonCodes.HolderDecisionAlreadyMade), (twice.StatusCode, RpcErrors.ReasonOf(twice)));
        Assert.Single(_node.Authority.Releases, e => e.Kind == EntryKind.HolderDecision);
    }

    [Fact]
    public async Task Declining_releases_nothing_tells_the_requester_so_and_keeps_the_reason_in_the_ledger_only()
    {
        var asked = await AskAsync();
        var decisions = _node.Authority.Decisions.Count;

        var declined = await _flow.DeclineAsync(Team, Decline(asked.HolderDecisionId), Ct);

        Assert.Equal(decisions, _node.Authority.Decisions.Count);
        Assert.DoesNotContain(_node.Authority.Releases, e => e.Kind == EntryKind.Release);
        var entry = Assert.Single(_node.Authority.Releases, e => e.Kind == EntryKind.HolderDecision);
        Assert.Equal((Decision.Deny, DisclosureEntries.HolderDeclined, "sw-0042"), (entry.Decision, entry.ReasonCode, entry.DecidedBy.ProfessionalId));
        Assert.Equal("Not needed for the question; the father's GP can answer it.", entry.HolderDecisionReason);
        Assert.Empty(Payloads<SupportPlan>(Raad));
        var told = _node.Inbox.Read(Raad, 0, 10).Single();
        var outcome = told.Signal.Payload.Unpack<HolderDecisionOutcome>();
        Assert.Equal((HolderDecisionOutcome.Types.Outcome.Declined, DisclosureEntries.HolderDeclined), (outcome.Outcome, outcome.ReasonCode));
        Assert.Equal(Decision.Deny, told.Receipt.Decision);
        Assert.All(told.Receipt.Denied, d => Assert.Equal(DisclosureEntries.HolderDeclined, d.ReasonCode));
        Assert.Equal([DataCategory.Involvement, DataCategory.Health], told.Receipt.Denied.Select(d => d.Category));
        Assert.DoesNotContain("GP", told.ToString(), StringComparison.Ordinal);
        Assert.Equal(declined.Receipt, told.Receipt);
    }

    [Fact]
    public async Task A_request_not_decided_in_time_expires_and_the_requester_and_holder_are_told()
    {
        var asked = await AskAsync();
        _node.Time.Now = _node.Time.Now.AddDays(5).AddSeconds(-1);
        Assert.Equal(0, await _flow.ExpireDueAsync(Ct));

        _node.Time.Now = _node.Time.Now.AddSeconds(1);
        Assert.Equal(1, await _flow.ExpireDueAsync(Ct));

        var entry = Assert.Single(_node.Authority.Releases, e => e.Kind == EntryKind.HolderDecision);
        Assert.Equal((Decision.Deny, DisclosureEntries.HolderDecisionExpired), (entry.Decision, entry.ReasonCode));
        Assert.Equal((Team, ""), (entry.DecidedBy.OrganisationId, entry.DecidedBy.ProfessionalId));
        Assert.Equal(HolderDecisionOutcome.Types.Outcome.Expired, Assert.Single(Payloads<HolderDecisionOutcome>(Raad)).Outcome);
        Assert.Equal(HolderDecisionOutcome.Types.Outcome.Expired, Assert.Single(Payloads<HolderDecisionOutcome>(Team)).Outcome);
        Assert.Empty(Payloads<SupportPlan>(Raad));
        var late = await Assert.ThrowsAsync<RpcException>(() => _flow.ApproveAsync(Team, Approve(asked.HolderDecisionId), Ct));
        Assert.Equal((StatusCode.FailedPrecondition, DisclosureEntries.HolderDecisionExpired), (late.StatusCode, RpcErrors.ReasonOf(late)));
    }

    [Fact]
    public async Task An_approval_after_the_deadline_expires_the_request_instead_even_before_the_sweep()
    {
        var asked = await AskAsync();
        _node.Time.Now = _node.Time.Now.AddDays(6);

        var late = await Assert.ThrowsAsync<RpcException>(() => _flow.ApproveAsync(Team, Approve(asked.HolderDecisionId), Ct));

        Assert.Equal(DisclosureEntries.HolderDecisionExpired, RpcErrors.ReasonOf(late));
        Assert.Equal(DisclosureEntries.HolderDecisionExpired, Assert.Single(_node.Authority.Releases, e => e.Kind == EntryKind.HolderDecision).ReasonCode);
        Assert.Empty(Payloads<SupportPlan>(Raad));
        Assert.Equal(0, await _flow.ExpireDueAsync(Ct));
    }

    [Fact]
    public async Task Another_holders_request_cannot_be_seen_or_decided()
    {
        var asked = await AskAsync();

        var other = await Assert.ThrowsAsync<RpcException>(() => _flow.ApproveAsync("vt-mwb", Approve(asked.HolderDecisionId), Ct));

        Assert.Equal((StatusCode.NotFound, ReasonCodes.HolderDecisionNotFound), (other.StatusCode, RpcErrors.ReasonOf(other)));
        Assert.Empty(_flow.Pending("vt-mwb"));
        Assert.Single(_flow.Pending(Team));
    }

    [Fact]
    public async Task A_professional_may_approve_part_of_what_awaits_but_nothing_else()
    {
        var asked = await AskAsync(DataCategory.Involvement, DataCategory.Health, DataCategory.SocialCircumstances);

        var wrong = Approve(asked.HolderDecisionId);
        wrong.Categories.Add(DataCategory.ChildVoice);
        var refused = await Assert.ThrowsAsync<RpcException>(() => _flow.ApproveAsync(Team, wrong, Ct));
        Assert.Equal("categories[0]", Assert.Single(refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
        Assert.Single(_flow.Pending(Team));

        var part = Approve(asked.HolderDecisionId);
        part.Categories.Add(DataCategory.Involvement);
        part.Categories.Add(DataCategory.Health);
        await _flow.ApproveAsync(Team, part, Ct);

        Assert.Equal([DataCategory.Involvement, DataCategory.Health], _node.Authority.Decisions[^1].Categories);
        Assert.Empty(Assert.Single(Payloads<SupportPlan>(Raad)).Circumstances);
    }

    [Fact]
    public async Task A_decision_without_a_professional_or_a_reason_is_refused_naming_the_fields_and_records_nothing()
    {
        var asked = await AskAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => _flow.DeclineAsync(Team, new DeclineRequest { HolderDecisionId = asked.HolderDecisionId, Professional = new Actor { Role = "sociaal werker" } }, Ct));

        Assert.Equal(
            ["professional.professional_id", "reason"],
            refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field));
        Assert.Empty(_node.Authority.Releases);
        Assert.Single(_flow.Pending(Team));
    }

    [Fact]
    public async Task When_the_ledger_cannot_record_the_approval_nothing_is_released_and_the_request_still_waits()
    {
        var asked = await AskAsync();
        _node.Authority.Failure = new RpcException(new Status(StatusCode.Unavailable, "ledger down"));

        await Assert.ThrowsAsync<RpcException>(() => _flow.ApproveAsync(Team, Approve(asked.HolderDecisionId), Ct));

        Assert.Empty(Payloads<SupportPlan>(Raad));
        Assert.Single(_flow.Pending(Team));
        _node.Authority.Failure = null;
        await _flow.ApproveAsync(Team, Approve(asked.HolderDecisionId), Ct);
        Assert.Single(Payloads<SupportPlan>(Raad));
    }

    /// <summary>What the team's node does with the Raad's pull: decide, and keep what the policy left to the team.</summary>
    private async Task<DisclosureReceipt> AskAsync(params DataCategory[] categories)
    {
        var intent = new DisclosureIntent(
            Team,
            new Actor { OrganisationId = Raad, Role = "raadsonderzoeker", ProfessionalId = "rvdk-113" },
            [_leo],
            Purpose.ChildProtectionInvestigation,
            "bw-1-240",
            // A support plan shows by existing that the team supports Leo: the Raad asks for that involvement too.
            categories.Length > 0 ? categories : [DataCategory.Involvement, DataCategory.Health],
            DisclosureKind.Pull)
        {
            KnownSubjects = [_leo],
        };
        var request = new DisclosureRequest { Explanation = "For the investigation: is the father's drinking a risk to the children?" };
        var disclosed = await new DisclosureFlow(_node.Authority, _node.Codec, []).DiscloseAsync(intent, [.. _node.Store.FindBySubject(Team, _leo, [], false).Select(s => s.Signal)], Ct);
        Assert.True(disclosed.IsLeftToHolder);
        return await _flow.OpenAsync(intent, request, disclosed, Ct);
    }

    private static ApproveRequest Approve(string id) => new()
    {
        HolderDecisionId = id,
        Professional = new Actor { Role = "sociaal werker", ProfessionalId = "sw-0042" },
        Reason = "The Raad needs it to judge the children's safety; the father knows the Raad asks.",
    };

    private static DeclineRequest Decline(string id) => new()
    {
        HolderDecisionId = id,
        Professional = new Actor { Role = "sociaal werker", ProfessionalId = "sw-0042" },
        Reason = "Not needed for the question; the father's GP can answer it.",
    };

    private List<T> Payloads<T>(string organisation)
        where T : Google.Protobuf.IMessage<T>, new()
    {
        var descriptor = new T().Descriptor;
        return [.. _node.Inbox.Read(organisation, 0, 100).Where(d => d.Signal.Payload.Is(descriptor)).Select(d => d.Signal.Payload.Unpack<T>())];
    }
}
