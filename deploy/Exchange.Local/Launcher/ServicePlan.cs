using System.Globalization;
using Exchange.Contracts.V1;

namespace Exchange.Local.Launcher;

/// <summary>One service of the local exchange: what to run, where it listens, how it is configured.</summary>
public sealed record ServiceSpec(string Name, string ProjectDirectory, string AssemblyName, Uri Url, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// The whole exchange on loopback: the policy service (with the SQLite ledger), the index, one service
/// per domain hosting that domain's demo partners, and the gateway in front with mTLS.
/// </summary>
public static class ServicePlan
{
    private static readonly (Domain Domain, string Name, string Directory, string Assembly, int Offset)[] Nodes =
    [
        (Domain.Police, "police", "services/Police", "Exchange.Police", 11),
        (Domain.VeiligThuis, "veiligthuis", "services/VeiligThuis", "Exchange.VeiligThuis", 12),
        (Domain.ChildProtection, "childprotection", "services/ChildProtection", "Exchange.ChildProtection", 13),
        (Domain.SocialTeam, "socialteam", "services/SocialTeam", "Exchange.SocialTeam", 14),
    ];

    public static Uri Gateway(LocalLayout layout) => layout.Url("https", 0);

    public static Uri Policy(LocalLayout layout) => layout.Url("http", 1);

    public static Uri Index(LocalLayout layout) => layout.Url("http", 2);

    public static Uri NodeUrl(LocalLayout layout, Domain domain) => layout.Url("http", Nodes.Single(n => n.Domain == domain).Offset);

    public static IReadOnlyList<ServiceSpec> Build(LocalLayout layout, IReadOnlyList<PartnerFile> partners)
    {
        var specs = new List<ServiceSpec>();
        var common = new Dictionary<string, string>
        {
            ["Pseudonyms__KeyFile"] = layout.PseudonymKey,
            ["Logging__Console__FormatterName"] = "simple",
        };

        // Each service also writes its spans to a file next to its log, for following a call locally.
        Dictionary<string, string> Traced(string name, Dictionary<string, string> environment)
        {
            environment["Telemetry__TraceFile"] = Path.Combine(layout.Logs, name + ".traces.jsonl");
            return environment;
        }

        var policy = With(common, new()
        {
            ["Endpoint__Url"] = Policy(layout).ToString(),
            ["Policy__BundleDirectory"] = layout.PolicyBundle,
            ["Policy__IndexAddress"] = Index(layout).ToString(),
            ["Ledger__Store"] = "Sqlite",
            ["Ledger__SqlitePath"] = Path.Combine(layout.Data, "ledger", "ledger.db"),
            ["Ledger__SigningKeyPath"] = Path.Combine(layout.Secrets, "ledger-signing.key"),
            ["Ledger__Origin"] = "exchange.local/ledger",
        });
        AddPartners(policy, "Policy__Partners", partners);
        specs.Add(new ServiceSpec("policy", "services/Policy", "Exchange.Policy", Policy(layout), Traced("policy", policy)));

        var index = With(common, new()
        {
            ["Endpoint__Url"] = Index(layout).ToString(),
            ["Index__DataDirectory"] = Path.Combine(layout.Data, "index"),
            ["Index__PolicyAddress"] = Policy(layout).ToString(),
        });
        AddPartners(index, "Index__Partners", partners);
        for (var i = 0; i < partners.Count; i++)
        {
            index[$"Index__Partners__{i}__Name"] = partners[i].Name;
            index[$"Index__Partners__{i}__NodeAddress"] = NodeUrl(layout, partners[i].ParsedDomain).ToString();
        }

        specs.Add(new ServiceSpec("index", "services/Index", "Exchange.Index", Index(layout), Traced("index", index)));

        foreach (var node in Nodes)
        {
            var environment = With(common, new()
            {
                ["Endpoint__Url"] = layout.Url("http", node.Offset).ToString(),
                ["Node__DataDirectory"] = Path.Combine(layout.Data, node.Name),
                ["Node__PolicyAddress"] = Policy(layout).ToString(),
                ["Node__IndexAddress"] = Index(layout).ToString(),
            });
            var hosted = partners.Where(p => p.ParsedDomain == node.Domain).ToList();
            for (var i = 0; i < hosted.Count; i++)
            {
                environment[$"Node__Organisations__{i}"] = hosted[i].Id;
            }

            if (hosted.Count > 0)
            {
                specs.Add(new ServiceSpec(node.Name, node.Directory, node.Assembly, layout.Url("http", node.Offset), Traced(node.Name, environment)));
            }
        }

        var gateway = With(common, new()
        {
            ["Endpoint__Url"] = Gateway(layout).ToString(),
            ["Endpoint__CertificatePath"] = Path.Combine(layout.Pki, "gateway.pem"),
            ["Endpoint__KeyPath"] = Path.Combine(layout.Pki, "gateway.key"),
            ["Endpoint__ClientCaPath"] = layout.CaCertificate,
            ["Endpoint__RequireClientCertificate"] = "true",
            ["Gateway__IndexAddress"] = Index(layout).ToString(),
        });
        AddPartners(gateway, "Gateway__Partners", partners);
        for (var i = 0; i < partners.Count; i++)
        {
            gateway[$"Gateway__Partners__{i}__Name"] = partners[i].Name;
            gateway[$"Gateway__Partners__{i}__ServiceAddress"] = NodeUrl(layout, partners[i].ParsedDomain).ToString();
        }

        specs.Add(new ServiceSpec("gateway", "gateway/Exchange.Gateway", "Exchange.Gateway", Gateway(layout), Traced("gateway", gateway)));
        return specs;
    }

    private static void AddPartners(Dictionary<string, string> environment, string prefix, IReadOnlyList<PartnerFile> partners)
    {
        for (var i = 0; i < partners.Count; i++)
        {
            environment[$"{prefix}__{i.ToString(CultureInfo.InvariantCulture)}__Id"] = partners[i].Id;
            environment[$"{prefix}__{i.ToString(CultureInfo.InvariantCulture)}__Domain"] = partners[i].ParsedDomain.ToString();
        }
    }

    private static Dictionary<string, string> With(Dictionary<string, string> common, Dictionary<string, string> specific)
    {
        var merged = new Dictionary<string, string>(common);
        foreach (var (key, value) in specific)
        {
            merged[key] = value;
        }

        return merged;
    }
}
