using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Yarp.ReverseProxy.Configuration;

namespace Exchange.Gateway.Routing;

/// <summary>
/// Builds the proxy's routes from configuration: platform services by gRPC service path, and every
/// other call to the domain service of the holder named in <c>exchange-holder</c> (matched exactly: ids are
/// lower-case everywhere). A partner that later runs its own domain service only changes its address here
/// (the onboarding issue feeds this from the registry). Routing decides where an allowed call goes; whether
/// it is allowed is decided before.
/// </summary>
public static class RouteTable
{
    public const string IndexCluster = "index";

    /// <summary>Cluster metadata: the reason code when the cluster's service cannot be reached.</summary>
    public const string UnavailableReason = "exchange.unavailable-reason";

    /// <summary>Cluster metadata: the one server certificate (SHA-256, hex) a partner-hosted node may present.</summary>
    public const string ServerCertificate = "exchange.server-certificate-sha256";

    private static readonly string[] IndexServices = ["exchange.v1.Pseudonyms", "exchange.v1.Involvements", "exchange.v1.Assessments"];

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(GatewayOptions options)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        var activity = options.Deadlines.MaxStreaming;
        AddPlatform(routes, clusters, IndexCluster, IndexServices, options.IndexAddress!, activity, ReasonCodes.IndexUnavailable);
        for (var i = 0; i < options.PlatformRoutes.Count; i++)
        {
            var platform = options.PlatformRoutes[i];
            AddPlatform(routes, clusters, $"platform-{i}", platform.Services, platform.Address!, activity, ReasonCodes.ServiceUnavailable);
        }

        foreach (var partner in options.Partners.Where(p => !p.Suspended))
        {
            var cluster = "holder-" + partner.Id;
            clusters.Add(Cluster(cluster, partner.ServiceAddress!, activity, ReasonCodes.HolderUnavailable, partner.ServerCertificateSha256));
            routes.Add(new RouteConfig
            {
                RouteId = cluster,
                ClusterId = cluster,
                Order = 10,
                Match = new RouteMatch
                {
                    Path = "/{**method}",
                    Headers = [new RouteHeader { Name = ExchangeHeaders.Holder, Values = [partner.Id], Mode = HeaderMatchMode.ExactHeader, IsCaseSensitive = true }],
                },
            });
        }

        return (routes, clusters);
    }

    /// <summary>
    /// Where calls to a gRPC service go: the index or a platform service by name, or, for a service whose calls are
    /// about a holder, the domain services of the partners that may call it. Empty: the gateway does not route it.
    /// </summary>
    public static IReadOnlyList<Uri> Destinations(GatewayOptions options, string service)
    {
        if (IndexServices.Contains(service, StringComparer.Ordinal))
        {
            return [options.IndexAddress!];
        }

        if (options.PlatformRoutes.FirstOrDefault(p => p.Services.Contains(service, StringComparer.Ordinal)) is { Address: { } address })
        {
            return [address];
        }

        var rules = RpcPermissions.Rules.Where(r => r.Service == service && r.Exposure == RpcExposure.Partner).ToList();
        if (rules.Count == 0 || rules.All(r => r.Holder == HolderRule.None))
        {
            return [];
        }

        var domains = rules.SelectMany(r => r.Domains).ToHashSet();
        return [.. options.Partners
            .Where(p => !p.Suspended && (domains.Count == 0 || domains.Contains(p.Domain)))
            .Select(p => p.ServiceAddress!)
            .Distinct()];
    }

    private static void AddPlatform(
        List<RouteConfig> routes, List<ClusterConfig> clusters, string cluster, IEnumerable<string> services, Uri address, TimeSpan activity, string unavailable)
    {
        clusters.Add(Cluster(cluster, address, activity, unavailable));
        foreach (var service in services)
        {
            routes.Add(new RouteConfig
            {
                RouteId = "platform-" + service,
                ClusterId = cluster,
                Order = 0,
                Match = new RouteMatch { Path = $"/{service}/{{**method}}" },
            });
        }
    }

    private static ClusterConfig Cluster(string id, Uri address, TimeSpan activity, string unavailable, string? serverCertificate = null) => new()
    {
        ClusterId = id,
        Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
        {
            ["primary"] = new() { Address = address.ToString() },
        },
        // Services behind the gateway speak HTTP/2 only; without this YARP would downgrade to HTTP/1.1.
        // The activity timeout backs up the deadline the gateway sets on every call.
        HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig
        {
            Version = new Version(2, 0),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            ActivityTimeout = activity,
        },
        Metadata = serverCertificate is null
            ? new Dictionary<string, string>(StringComparer.Ordinal) { [UnavailableReason] = unavailable }
            : new Dictionary<string, string>(StringComparer.Ordinal) { [UnavailableReason] = unavailable, [ServerCertificate] = serverCertificate },
    };
}
