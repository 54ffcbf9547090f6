using Yarp.ReverseProxy.Configuration;

namespace Exchange.Gateway.Routing;

/// <summary>
/// Builds the proxy's routes from the partner list: platform services by gRPC service path, and every
/// other call to the domain service of the holder named in <c>exchange-holder</c>. A partner that later
/// runs its own domain service only changes its address here.
/// </summary>
public static class RouteTable
{
    public const string IndexCluster = "index";

    private static readonly string[] IndexServices = ["exchange.v1.Pseudonyms", "exchange.v1.Involvements"];

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(GatewayOptions options)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig> { Cluster(IndexCluster, options.IndexAddress!) };
        foreach (var service in IndexServices)
        {
            routes.Add(new RouteConfig
            {
                RouteId = "platform-" + service,
                ClusterId = IndexCluster,
                Order = 0,
                Match = new RouteMatch { Path = $"/{service}/{{**method}}" },
            });
        }

        foreach (var partner in options.Partners.Where(p => !p.Suspended))
        {
            var cluster = "holder-" + partner.Id;
            clusters.Add(Cluster(cluster, partner.ServiceAddress!));
            routes.Add(new RouteConfig
            {
                RouteId = cluster,
                ClusterId = cluster,
                Order = 10,
                Match = new RouteMatch
                {
                    Path = "/{**method}",
                    Headers = [new RouteHeader { Name = Exchange.ServiceDefaults.Identity.ExchangeHeaders.Holder, Values = [partner.Id], Mode = HeaderMatchMode.ExactHeader }],
                },
            });
        }

        return (routes, clusters);
    }

    private static ClusterConfig Cluster(string id, Uri address) => new()
    {
        ClusterId = id,
        Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
        {
            ["primary"] = new() { Address = address.ToString() },
        },
        // Services behind the gateway speak HTTP/2 only; without this YARP would downgrade to HTTP/1.1.
        HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig
        {
            Version = new Version(2, 0),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        },
    };
}
