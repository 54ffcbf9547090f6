using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Decisions;
using Exchange.Policy.Engine;
using Exchange.Policy.Facts;
using Exchange.Policy.Hosting;
using Exchange.ServiceDefaults.Errors;
using Exchange.Testing;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Exchange.Policy.Tests.Host;

public sealed class DecisionServiceTests
{
    private static readonly PolicyEngine Engine = PolicyEngine.Start(Repository.Path("policies"));
    private readonly RecordingLedger _ledger = new();
    private readonly FakeFacts _facts = new();

    private DecisionService Service() => new(
        Engine,
        new FactResolver(new SettableOptions<PolicyOptions>(new PolicyOptions
        {
            BundleDirectory = Repository.Path("policies"),
            Partners =
            [
                new PolicyPartner { Id = "politie-zwb", Domain = Domain.Police },
                new PolicyPartner { Id = "vt-mwb", Domain = Domain.VeiligThuis },
                new PolicyPartner { Id = "swt-tilburg", Domain = Domain.SocialTeam },
                new PolicyPartner { Id = "rvdk-zuidwest", Domain = Domain.ChildProtection },
            ],
        }), _facts),
        _ledger,
        TimeProvider.System,
        NullLogger<DecisionService>.Instance);

    [Fact]
    public async Task A_decision_is_in_the_ledger_with_one_entry_per_subject_before_it_is_answered()
    {
        var response = await Service().DecideAsync(PoliceToTeam("wth", DataCategory.Measure, DataCategory.Incident), TestContext.Current.CancellationToken);

        Assert.Equal(Decision.PartialPermit, response.Decision);
        Assert.Equal([0ul, 1ul], response.LedgerSequences);
        Assert.Equal(["leo", "nora"], _ledger.Entries.Select(e => e.SubjectPseudonym));
        Assert.All(_ledger.Entries, e =>
        {
            Assert.Equal(EntryKind.Decision, e.Kind);
            Assert.Equal(response.DecisionId, e.DecisionId);
            Assert.Equal("wth", e.LegalBasisId);
            Assert.Equal(response.BundleHash, e.BundleHash);
            Assert.Equal([DataCategory.Measure], e.Released);
            Assert.Equal(DataCategory.Incident, Assert.Single(e.Denied).Category);
        });
    }

    [Fact]
    public async Task A_decision_that_cannot_be_recorded_is_not_given()
    {
        _ledger.Unwritable = true;

        var failure = await Assert.ThrowsAsync<RpcException>(() => Service().DecideAsync(PoliceToTeam("wth", DataCategory.Measure), TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(ReasonCodes.LedgerUnavailable, RpcErrors.ReasonOf(failure));
    }

    [Fact]
    public async Task Without_the_index_facts_nothing_is_decided_or_recorded()
    {
        _facts.Unreachable = true;

        var failure = await Assert.ThrowsAsync<RpcException>(() => Service().DecideAsync(PoliceToTeam("wth", DataCategory.Measure), TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(ReasonCodes.IndexUnavailable, RpcErrors.ReasonOf(failure));
        Assert.Empty(_ledger.Entries);
    }

    [Fact]
    public async Task An_unknown_legal_basis_is_invalid_input_naming_the_field_and_nothing_is_recorded()
    {
        var failure = await Assert.ThrowsAsync<RpcException>(() => Service().DecideAsync(PoliceToTeam("no-such-basis", DataCategory.Measure), TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal("legal_basis.id", Assert.Single(failure.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
        Assert.Empty(_ledger.Entries);
    }

    [Fact]
    public async Task A_push_without_a_cited_basis_is_decided_and_recorded_under_the_basis_the_rules_name()
    {
        var push = PoliceToTeam(string.Empty, DataCategory.Measure, DataCategory.Incident);
        push.Kind = DisclosureKind.Push;

        var response = await Service().DecideAsync(push, TestContext.Current.CancellationToken);

        Assert.Equal([DataCategory.Measure], response.Released);
        Assert.Equal("wth", response.LegalBasis.Id);
        Assert.True(response.LegalBasisChosen);
        Assert.All(_ledger.Entries, e =>
        {
            Assert.Equal("wth", e.LegalBasisId);
            Assert.True(e.LegalBasisChosen);
        });
    }

    [Fact]
    public async Task Every_decision_entry_records_the_facts_it_rested_on_so_it_can_be_replayed()
    {
        var response = await Service().DecideAsync(PoliceToTeam("wth", DataCategory.Measure), TestContext.Current.CancellationToken);

        Assert.Equal(Decision.Permit, response.Decision);
        Assert.All(_ledger.Entries, e =>
        {
            Assert.Equal(Domain.Police, e.Facts.HolderDomain);
            Assert.Equal(Domain.SocialTeam, e.Facts.RecipientDomain);
            Assert.True(e.Facts.RecipientInvolved);
            Assert.False(e.LegalBasisChosen);
        });
        var replayed = Exchange.Contracts.Ledger.DisclosureEntries.RequestOf(_ledger.Entries);
        Assert.Equal(["leo", "nora"], replayed.Subjects.Select(s => s.Pseudonym));
        Assert.Equal("wth", replayed.LegalBasis.Id);
        Assert.Equal([DataCategory.Measure], replayed.Categories);
    }

    [Fact]
    public async Task A_break_glass_release_is_recorded_pending_review_with_its_justification()
    {
        _facts.Involved = false;
        var request = new DecideRequest
        {
            HolderOrganisationId = "vt-mwb",
            Recipient = new Actor { OrganisationId = "politie-zwb", Role = "noodhulp", ProfessionalId = "agent-4410" },
            Subjects = { new SubjectRef { Pseudonym = "nora" } },
            Purpose = Purpose.AcuteSafety,
            LegalBasis = new LegalBasisRef { Id = "vt-task" },
            Categories = { DataCategory.Safety },
            Kind = DisclosureKind.Pull,
            BreakGlass = new BreakGlass { Justification = "Restraining order broken; officers on their way." },
        };

        var response = await Service().DecideAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(Decision.Permit, response.Decision);
        var entry = Assert.Single(_ledger.Entries);
        Assert.Equal(ReviewState.Pending, entry.ReviewState);
        Assert.Equal("Restraining order broken; officers on their way.", entry.BreakGlassJustification);
        Assert.Contains(entry.Obligations, o => o.Kind == ObligationKind.ReviewRequired);
    }

    [Fact]
    public async Task A_request_left_to_the_holder_is_recorded_as_waiting_and_its_approval_names_who_decided_and_replays_the_same()
    {
        _facts.Involved = true;
        var request = new DecideRequest
        {
            HolderOrganisationId = "swt-tilburg",
            Recipient = new Actor { OrganisationId = "rvdk-zuidwest", Role = "raadsonderzoeker", ProfessionalId = "rvdk-113" },
            Subjects = { new SubjectRef { Pseudonym = "leo" } },
            Purpose = Purpose.ChildProtectionInvestigation,
            Categories = { DataCategory.Involvement, DataCategory.Health },
            Kind = DisclosureKind.Pull,
        };

        var waiting = await Service().DecideAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal((Decision.HolderDecisionRequired, "bw-1-240"), (waiting.Decision, waiting.LegalBasis.Id));
        var left = Assert.Single(_ledger.Entries);
        Assert.Equal(Decision.HolderDecisionRequired, left.Decision);
        Assert.Equal([DataCategory.Involvement, DataCategory.Health], left.AwaitingHolder);
        Assert.Empty(left.Released);
        Assert.True(left.BasisWeighedByHolder);
        Assert.Equal(waiting.DecisionId, left.HolderDecisionId);
        Assert.Null(left.DecidedBy);

        request.HolderDecision = new HolderDecision
        {
            HolderDecisionId = waiting.DecisionId,
            DecidedBy = new Actor { OrganisationId = "swt-tilburg", Role = "sociaal werker", ProfessionalId = "sw-0042" },
            Reason = "Needed to judge the children's safety.",
        };
        var approved = await Service().DecideAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(Decision.Permit, approved.Decision);
        Assert.Equal("sw-0042", approved.DecidedBy.ProfessionalId);
        var entry = _ledger.Entries[^1];
        Assert.Equal(("sw-0042", waiting.DecisionId, "Needed to judge the children's safety."), (entry.DecidedBy.ProfessionalId, entry.HolderDecisionId, entry.HolderDecisionReason));
        Assert.True(entry.BasisWeighedByHolder);
        var replayed = Exchange.Contracts.Ledger.DisclosureEntries.RequestOf([entry]);
        Assert.Equal(request.HolderDecision, replayed.HolderDecision);
        Assert.Null(Exchange.Contracts.Ledger.DisclosureEntries.RequestOf([left]).HolderDecision);
    }

    private static DecideRequest PoliceToTeam(string basis, params DataCategory[] categories) => new()
    {
        HolderOrganisationId = "politie-zwb",
        Recipient = new Actor { OrganisationId = "swt-tilburg", Role = "sociaal werker", ProfessionalId = "sw-0042" },
        Subjects = { new SubjectRef { Pseudonym = "leo" }, new SubjectRef { Pseudonym = "nora" } },
        Purpose = Purpose.RecoveryPlanning,
        LegalBasis = new LegalBasisRef { Id = basis },
        Categories = { categories },
        Kind = DisclosureKind.Pull,
    };
}
