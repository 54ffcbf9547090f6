using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;

namespace Exchange.Security.Tests.Rules;

/// <summary>Who may make an internal call, from the contracts' internal_callers: the role, and a node only for itself as holder.</summary>
public sealed class InternalAuthorizationTests
{
    private const string Decide = "/policy.v1.PolicyService/Decide";
    private const string Append = "/ledger.v1.LedgerService/Append";

    [Fact]
    public void A_node_decides_for_an_organisation_it_holds_the_data_of()
    {
        Assert.Null(InternalAuthorization.Authorize(Rule(Decide), Service(ServiceRole.Node, "vt-mwb"), new DecideRequest { HolderOrganisationId = "vt-mwb" }));
    }

    [Fact]
    public void A_node_may_not_decide_as_another_holder()
    {
        var denial = InternalAuthorization.Authorize(Rule(Decide), Service(ServiceRole.Node, "vt-mwb"), new DecideRequest { HolderOrganisationId = "politie-zwb" });

        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.HolderNotCaller), (denial?.Code, denial?.Reason));
    }

    [Fact]
    public void A_node_may_not_log_a_batch_in_which_one_entry_names_another_holder()
    {
        var request = new AppendRequest { Entries = { new LedgerEntry { HolderOrganisationId = "vt-mwb" }, new LedgerEntry { HolderOrganisationId = "politie-zwb" } } };

        var denial = InternalAuthorization.Authorize(Rule(Append), Service(ServiceRole.Node, "vt-mwb"), request);

        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.HolderNotCaller), (denial?.Code, denial?.Reason));
    }

    [Fact]
    public void A_node_may_not_log_a_batch_that_names_no_holder_at_all()
    {
        var denial = InternalAuthorization.Authorize(Rule(Append), Service(ServiceRole.Node, "vt-mwb"), new AppendRequest());

        Assert.Equal(ReasonCodes.HolderNotCaller, denial?.Reason);
    }

    [Fact]
    public void The_index_decides_for_the_involvements_it_keeps_whoever_holds_them()
    {
        Assert.Null(InternalAuthorization.Authorize(Rule(Decide), Service(ServiceRole.Index), new DecideRequest { HolderOrganisationId = "politie-zwb" }));
    }

    [Fact]
    public void A_service_whose_role_the_rpc_does_not_grant_is_refused()
    {
        var denial = InternalAuthorization.Authorize(Rule(Decide), Service(ServiceRole.Gateway), new DecideRequest { HolderOrganisationId = "vt-mwb" });

        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.RpcNotExposed), (denial?.Code, denial?.Reason));
    }

    [Fact]
    public void A_partners_token_never_passes_an_internal_rule()
    {
        var partner = new VerifiedCaller("vt-mwb", Domain.VeiligThuis, "vt-mwb", ExchangeScopes.Partner.ToHashSet(StringComparer.Ordinal));

        var denial = InternalAuthorization.Authorize(Rule(Decide), partner, new DecideRequest { HolderOrganisationId = "vt-mwb" });

        Assert.Equal((StatusCode.PermissionDenied, ReasonCodes.RpcNotExposed), (denial?.Code, denial?.Reason));
    }

    [Fact]
    public void The_registry_records_its_changes_in_the_ledger()
    {
        Assert.Null(InternalAuthorization.Authorize(Rule(Append), Service(ServiceRole.Registry), new AppendRequest { Entries = { new LedgerEntry() } }));
    }

    private static RpcRule Rule(string path) => RpcPermissions.Find(path) ?? throw new InvalidOperationException(path + " has no rule");

    private static VerifiedCaller Service(ServiceRole role, params string[] actsFor) =>
        new("exchange-beheer", Domain.SocialTeam, "service-" + role, new HashSet<string>([ExchangeScopes.Internal], StringComparer.Ordinal))
        {
            Service = role,
            ActsFor = actsFor.ToHashSet(StringComparer.Ordinal),
        };
}
