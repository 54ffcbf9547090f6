using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.Gateway;
using Exchange.Gateway.Routing;
using Exchange.Index.Hosting;
using Exchange.Policy.Facts;
using Exchange.Policy.Hosting;
using Exchange.Registry.Client.Snapshots;
using Exchange.Testing;
using Exchange.Topology.Tests.Settings;
using RegistryPartner = Exchange.Contracts.Registry.V1.Partner;

namespace Exchange.Topology.Tests.Following;

/// <summary>
/// Partner facts have one source: the same registry snapshot, applied to the options the topology gives the gateway,
/// the policy service and the index, makes all three agree, and a change in the registry is followed by all three.
/// </summary>
public sealed class RegistryFollowingTests(ProcessConfigurationTests.WholeExchange exchange) : IClassFixture<ProcessConfigurationTests.WholeExchange>
{
    private readonly ExchangeTopology _topology = exchange.Topology;

    [Fact]
    public void A_partner_approved_in_the_registry_is_routed_known_and_decided_for_by_its_registered_domain()
    {
        var (gateway, policy, index) = Apply(Snapshot(1, Zeeland(Domain.VeiligThuis, RegistrationState.Approved)));

        var route = Assert.Single(gateway.Partners, p => p.Id == "vt-zeeland");
        Assert.Equal((Domain.VeiligThuis, false, "https://localhost:7443/", "ab12"), (route.Domain, route.Suspended, route.ServiceAddress?.ToString(), route.ServerCertificateSha256));
        Assert.Equal(Domain.VeiligThuis, Assert.Single(policy.Partners, p => p.Id == "vt-zeeland").Domain);
        Assert.Equal((Domain.VeiligThuis, new Uri("https://localhost:7443")), Assert.Single(index.Partners, p => p.Id == "vt-zeeland") is var known ? (known.Domain, known.NodeAddress) : default);
    }

    [Fact]
    public void A_domain_changed_in_the_registry_is_followed_by_the_gateway_the_policy_service_and_the_index()
    {
        var snapshot = Snapshot(1, Shared("vt-mwb", Domain.VeiligThuis, RegistrationState.Approved));
        var changed = Snapshot(2, Shared("vt-mwb", Domain.SocialTeam, RegistrationState.Approved));

        Apply(snapshot);
        var (gateway, policy, index) = Apply(changed);

        Assert.Equal(Domain.SocialTeam, Assert.Single(gateway.Partners, p => p.Id == "vt-mwb").Domain);
        Assert.Equal(_topology.NodeFor(Domain.SocialTeam).Url, Assert.Single(gateway.Partners, p => p.Id == "vt-mwb").ServiceAddress);
        Assert.Equal(Domain.SocialTeam, Assert.Single(policy.Partners, p => p.Id == "vt-mwb").Domain);
        Assert.Equal(Domain.SocialTeam, Assert.Single(index.Partners, p => p.Id == "vt-mwb").Domain);
        // The index delivers into the node's inbox at its internal endpoint, where internal calls are served.
        Assert.Equal(_topology.NodeFor(Domain.SocialTeam).CallUrl, Assert.Single(index.Partners, p => p.Id == "vt-mwb").NodeAddress);
    }

    [Theory]
    [InlineData(RegistrationState.Suspended)]
    [InlineData(RegistrationState.Revoked)]
    public void A_partner_suspended_or_revoked_in_the_registry_is_refused_by_the_gateway_and_unknown_to_the_policy_and_the_index(RegistrationState state)
    {
        var (gateway, policy, index) = Apply(Snapshot(3, Shared("vt-mwb", Domain.VeiligThuis, state)));

        Assert.True(Assert.Single(gateway.Partners, p => p.Id == "vt-mwb").Suspended);
        Assert.DoesNotContain(policy.Partners, p => p.Id == "vt-mwb");
        Assert.DoesNotContain(index.Partners, p => p.Id == "vt-mwb");
    }

    [Fact]
    public void A_pending_partner_hosting_its_own_node_is_decided_for_so_the_conformance_kit_can_test_it_but_nothing_routes_to_it()
    {
        var (gateway, policy, index) = Apply(Snapshot(1, Zeeland(Domain.VeiligThuis, RegistrationState.Pending)));

        Assert.True(Assert.Single(gateway.Partners, p => p.Id == "vt-zeeland").Suspended);
        Assert.Equal(Domain.VeiligThuis, Assert.Single(policy.Partners, p => p.Id == "vt-zeeland").Domain);
        Assert.DoesNotContain(index.Partners, p => p.Id == "vt-zeeland");
    }

    [Fact]
    public void Partners_the_registry_does_not_know_keep_their_configuration()
    {
        var (gateway, policy, index) = Apply(Snapshot(1, Zeeland(Domain.VeiligThuis, RegistrationState.Approved)));

        foreach (var partner in _topology.Partners)
        {
            Assert.Contains(gateway.Partners, p => p.Id == partner.Id && !p.Suspended);
            Assert.Contains(policy.Partners, p => p.Id == partner.Id);
            Assert.Contains(index.Partners, p => p.Id == partner.Id);
        }
    }

    /// <summary>Each service's options as the topology configures it, with the registry's snapshot applied.</summary>
    private (GatewayOptions Gateway, PolicyOptions Policy, IndexOptions Index) Apply(PartnerSnapshot snapshot)
    {
        var gateway = _topology.For(_topology.Require(ExchangePart.Gateway)).Get<GatewayOptions>(GatewayOptions.Section);
        var policy = _topology.For(_topology.Require(ExchangePart.Policy)).Get<PolicyOptions>(PolicyOptions.Section);
        var index = _topology.For(_topology.Require(ExchangePart.Index)).Get<IndexOptions>(IndexOptions.Section);
        gateway = gateway with { Partners = [.. gateway.Partners] };
        policy = policy with { Partners = [.. policy.Partners] };
        index = index with { Partners = [.. index.Partners] };
        RegistryPartners.Apply(gateway, snapshot);
        FactResolver.ApplyRegistry(policy, snapshot);
        PartnerCatalog.ApplyRegistry(index, snapshot);
        return (gateway, policy, index);
    }

    private static PartnerSnapshot Snapshot(ulong revision, params RegistryPartner[] partners)
    {
        var snapshot = new RegistrySnapshot { Revision = revision };
        snapshot.Partners.AddRange(partners);
        return PartnerSnapshot.From(snapshot);
    }

    private static RegistryPartner Shared(string id, Domain domain, RegistrationState state) =>
        new() { Id = id, Name = id, Domain = domain, State = state, Node = new NodeLocation { Hosting = NodeHosting.Shared } };

    private static RegistryPartner Zeeland(Domain domain, RegistrationState state) => new()
    {
        Id = "vt-zeeland",
        Name = "Veilig Thuis Zeeland",
        Domain = domain,
        State = state,
        Node = new NodeLocation
        {
            Hosting = NodeHosting.Partner,
            Endpoint = "https://localhost:7443",
            ServerCertificate = new Certificate { Usage = CertificateUsage.Server, Sha256Thumbprint = "ab12" },
        },
    };
}
