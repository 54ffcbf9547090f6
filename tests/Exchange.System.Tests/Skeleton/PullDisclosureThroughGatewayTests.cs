using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.System.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.System.Tests.Skeleton;

/// <summary>
/// The walking skeleton: a social-team worker asks the police for what it may know about Nora, through
/// the gateway with real TLS and client certificates. The police service asks the policy service, which
/// writes the decision to the ledger before answering; only released fields leave.
/// </summary>
public sealed class PullDisclosureThroughGatewayTests : IAsyncLifetime
{
    private const string LeoBsn = "111222333";
    private const string NoraBsn = "123456782";

    private ExchangeCluster _cluster = null!;
    private Partner _police = null!;
    private Partner _socialTeam = null!;
    private string _noraAtSocialTeam = string.Empty;
    private string _leoAtSocialTeam = string.Empty;
    private string _leoAtPolice = string.Empty;

    public async ValueTask InitializeAsync()
    {
        _cluster = await ExchangeCluster.StartAsync();
        _police = new Partner(DemoPartners.Police, _cluster.Channel(DemoPartners.Police));
        _socialTeam = new Partner(DemoPartners.SocialTeam, _cluster.Channel(DemoPartners.SocialTeam));

        _leoAtPolice = await _police.ResolveAsync(LeoBsn);
        var noraAtPolice = await _police.ResolveAsync(NoraBsn);
        _noraAtSocialTeam = await _socialTeam.ResolveAsync(NoraBsn);
        _leoAtSocialTeam = await _socialTeam.ResolveAsync(LeoBsn);
        await _socialTeam.RegisterInvolvementAsync(Purpose.RecoveryPlanning, "Wijkteam Noord", _noraAtSocialTeam);

        var order = new RestrainingOrder
        {
            RestrainedPerson = new SubjectRef { Pseudonym = _leoAtPolice },
            ProtectedPersons = { new SubjectRef { Pseudonym = noraAtPolice } },
            Kind = RestrainingOrderKind.HouseBan,
            Period = new Period { Start = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), End = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(10)) },
            ImposedBy = "burgemeester van Tilburg",
            Grounds = "Leo pushed Nora against the wall in front of the children",
        };
        await new PoliceSignals.PoliceSignalsClient(_police.Channel).PublishRestrainingOrderAsync(new PublishRestrainingOrderRequest
        {
            Header = _police.Header("agent-2231", [_leoAtPolice, noraAtPolice], new Source { Kind = SourceKind.PoliceReport }),
            Order = order,
        });
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_permitted_request_gets_the_released_fields_and_the_rest_cleared_with_the_decision_in_the_ledger()
    {
        var response = await _socialTeam.RequestAsync(DemoPartners.Police, new DisclosureRequest
        {
            Subject = new SubjectRef { Pseudonym = _noraAtSocialTeam },
            Purpose = Purpose.RecoveryPlanning,
            LegalBasis = new LegalBasisRef { Id = "wth" },
            Categories = { DataCategory.Measure, DataCategory.Incident },
            Requester = _socialTeam.Professional("sociaal werker", "sw-0042"),
        });

        Assert.Equal(Decision.PartialPermit, response.Receipt.Decision);
        Assert.Equal([DataCategory.Measure], response.Receipt.Released);
        Assert.Equal(DataCategory.Incident, Assert.Single(response.Receipt.Denied).Category);
        var order = Assert.Single(response.Records).Payload.Unpack<RestrainingOrder>();
        Assert.Equal(RestrainingOrderKind.HouseBan, order.Kind);
        Assert.NotNull(order.Period.End);
        Assert.Empty(order.Grounds);
        Assert.Equal(_leoAtSocialTeam, order.RestrainedPerson.Pseudonym);
        Assert.NotEqual(_leoAtPolice, order.RestrainedPerson.Pseudonym);
        Assert.Equal(_noraAtSocialTeam, Assert.Single(order.ProtectedPersons).Pseudonym);

        var entries = await LedgerReader.AllAsync(_cluster);
        var decision = Assert.Single(entries, e => e.Kind == EntryKind.Decision && e.DecisionId == response.Receipt.DecisionId);
        Assert.Equal(DemoPartners.Police, decision.HolderOrganisationId);
        Assert.Equal(DemoPartners.SocialTeam, decision.Requester.OrganisationId);
        Assert.Equal("sw-0042", decision.Requester.ProfessionalId);
        Assert.Equal("wth", decision.LegalBasisId);
        Assert.Equal([DataCategory.Measure], decision.Released);
        var release = Assert.Single(entries, e => e.Kind == EntryKind.Release && e.DecisionId == response.Receipt.DecisionId);
        Assert.Equal(decision.Sequence, release.ConcernsSequence);
        Assert.Equal(32, release.ReleasedPayloadDigest.Length);
    }

    [Fact]
    public async Task The_checkpoint_a_receipt_carries_shows_a_ledger_cut_short_after_it_naming_the_first_missing_entry()
    {
        var response = await _socialTeam.RequestAsync(DemoPartners.Police, new DisclosureRequest
        {
            Subject = new SubjectRef { Pseudonym = _noraAtSocialTeam },
            Purpose = Purpose.RecoveryPlanning,
            LegalBasis = new LegalBasisRef { Id = "wth" },
            Categories = { DataCategory.Measure },
            Requester = _socialTeam.Professional("sociaal werker", "sw-0042"),
        });
        var kept = Path.Combine(_cluster.DataDirectory, "receipt.checkpoint");
        await File.WriteAllTextAsync(kept, response.Receipt.LedgerCheckpoint, TestContext.Current.CancellationToken);
        var treeSize = ulong.Parse(response.Receipt.LedgerCheckpoint.Split('\n')[1], global::System.Globalization.CultureInfo.InvariantCulture);
        var entries = await LedgerReader.AllAsync(_cluster);
        var decision = Assert.Single(entries, e => e.Kind == EntryKind.Decision && e.DecisionId == response.Receipt.DecisionId);
        var release = Assert.Single(entries, e => e.Kind == EntryKind.Release && e.DecisionId == response.Receipt.DecisionId);

        await _cluster.StopAsync("policy");
        var intact = await LedgerCli.RunAsync("ledger", "verify", "--sqlite", _cluster.LedgerPath, "--trusted-checkpoint", kept);
        var cutAt = await LedgerCli.CutBeforeAsync(_cluster.LedgerPath, decision.Sequence);
        var alone = await LedgerCli.RunAsync("ledger", "verify", "--sqlite", _cluster.LedgerPath);
        var against = await LedgerCli.RunAsync("ledger", "verify", "--sqlite", _cluster.LedgerPath, "--trusted-checkpoint", kept);

        Assert.Equal([decision.Sequence, release.Sequence], response.Receipt.LedgerSequences);
        Assert.True(treeSize > release.Sequence);
        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("consistent with 1 trusted checkpoints", intact.Output, StringComparison.Ordinal);
        // What is left is consistent in itself; only the checkpoint the recipient kept shows what is missing.
        Assert.Equal(0, alone.ExitCode);
        Assert.Equal(1, against.ExitCode);
        Assert.Contains(FormattableString.Invariant(
            $"entry {cutAt} does not verify: it is missing, but the trusted checkpoint for tree size {treeSize} (receipt.checkpoint) includes it"),
            against.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_for_a_purpose_the_rules_do_not_cover_is_denied_with_a_reason_and_the_denial_is_in_the_ledger()
    {
        var denial = await Assert.ThrowsAsync<RpcException>(() => _socialTeam.RequestAsync(DemoPartners.Police, new DisclosureRequest
        {
            Subject = new SubjectRef { Pseudonym = _noraAtSocialTeam },
            Purpose = Purpose.RecoveryPlanning,
            LegalBasis = new LegalBasisRef { Id = "wth" },
            Categories = { DataCategory.Incident },
            Requester = _socialTeam.Professional("sociaal werker", "sw-0042"),
        }));

        Assert.Equal(StatusCode.PermissionDenied, denial.StatusCode);
        Assert.Equal("PURPOSE_NOT_COVERED", RpcErrors.ReasonOf(denial));
        var decisionId = denial.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["decision_id"];
        var entries = await LedgerReader.AllAsync(_cluster);
        var entry = Assert.Single(entries, e => e.DecisionId == decisionId);
        Assert.Equal(EntryKind.Decision, entry.Kind);
        Assert.Equal(Decision.Deny, entry.Decision);
        Assert.Equal("PURPOSE_NOT_COVERED", entry.ReasonCode);
        Assert.DoesNotContain(entries, e => e.Kind == EntryKind.Release && e.DecisionId == decisionId);
    }

    [Fact]
    public async Task With_the_policy_service_stopped_the_request_is_unavailable_and_no_data_is_released()
    {
        var before = await LedgerReader.AllAsync(_cluster);
        await _cluster.StopAsync("policy");

        var failure = await Assert.ThrowsAsync<RpcException>(() => _socialTeam.RequestAsync(DemoPartners.Police, new DisclosureRequest
        {
            Subject = new SubjectRef { Pseudonym = _noraAtSocialTeam },
            Purpose = Purpose.RecoveryPlanning,
            LegalBasis = new LegalBasisRef { Id = "wth" },
            Categories = { DataCategory.Measure },
            Requester = _socialTeam.Professional("sociaal werker", "sw-0042"),
        }));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(ReasonCodes.PolicyUnavailable, RpcErrors.ReasonOf(failure));
        await _cluster.RestartAsync("policy");
        // Pushes of the published order may be logged meanwhile; no pull was decided or released.
        var after = await LedgerReader.AllAsync(_cluster);
        Assert.DoesNotContain(after.Skip(before.Count), e => e.DisclosureKind == DisclosureKind.Pull);
    }
}
