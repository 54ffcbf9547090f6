using Exchange.Contracts.V1;
using Exchange.Gateway;
using Exchange.Gateway.Routing;
using Exchange.ServiceDefaults.Identity;

namespace Exchange.Security.Tests.Gateway;

public sealed class RouteTableTests
{
    private static readonly GatewayOptions Options = new()
    {
        IndexAddress = new Uri("http://127.0.0.1:7411"),
        PlatformRoutes = [new PlatformRoute { Services = ["ledger.v1.LedgerService"], Address = new Uri("http://127.0.0.1:7412") }],
        Partners =
        [
            new PartnerRoute { Id = "politie-zwb", Domain = Domain.Police, ServiceAddress = new Uri("http://127.0.0.1:7421") },
            new PartnerRoute { Id = "vt-mwb", Domain = Domain.VeiligThuis, ServiceAddress = new Uri("http://127.0.0.1:7422") },
            new PartnerRoute { Id = "swt-old", Domain = Domain.SocialTeam, ServiceAddress = new Uri("http://127.0.0.1:7423"), Suspended = true },
        ],
    };

    [Fact]
    public void Platform_services_are_routed_by_their_grpc_service_path_before_any_holder_route()
    {
        var (routes, clusters) = RouteTable.Build(Options);

        var pseudonyms = Assert.Single(routes, r => r.Match.Path == "/exchange.v1.Pseudonyms/{**method}");
        Assert.Equal(RouteTable.IndexCluster, pseudonyms.ClusterId);
        var ledger = Assert.Single(routes, r => r.Match.Path == "/ledger.v1.LedgerService/{**method}");
        Assert.Equal("http://127.0.0.1:7412/", Assert.Single(clusters, c => c.ClusterId == ledger.ClusterId).Destinations!["primary"].Address);
        Assert.All(routes.Where(r => r.Match.Headers is null), r => Assert.True(r.Order < routes.Where(h => h.Match.Headers is not null).Min(h => h.Order)));
    }

    [Fact]
    public void A_domain_call_goes_to_the_service_of_the_holder_named_in_the_metadata_and_a_suspended_partner_gets_no_route()
    {
        var (routes, clusters) = RouteTable.Build(Options);

        var police = Assert.Single(routes, r => r.Match.Headers?.Any(h => h.Name == ExchangeHeaders.Holder && h.Values!.Contains("politie-zwb")) == true);
        Assert.Equal("http://127.0.0.1:7421/", Assert.Single(clusters, c => c.ClusterId == police.ClusterId).Destinations!["primary"].Address);
        Assert.DoesNotContain(routes, r => r.Match.Headers?.Any(h => h.Values!.Contains("swt-old")) == true);
        Assert.All(clusters, c => Assert.Equal(new Version(2, 0), c.HttpRequest!.Version));
    }
}
