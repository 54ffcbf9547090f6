using System.Globalization;
using Exchange.Client.Local;
using Exchange.Contracts.V1;
using Exchange.Registry.Client.Administration;
using Exchange.ServiceDefaults.Security;

namespace Exchange.Local.Launcher;

/// <summary>One service of the local exchange: what to run, where it listens, how it is configured.</summary>
public sealed record ServiceSpec(string Name, string ProjectDirectory, string AssemblyName, Uri Url, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// The whole exchange on loopback: the identity service (OAuth, HTTPS), the policy service (with the SQLite
/// ledger), the index, one service per domain hosting that domain's demo partners, and the gateway in front
/// with mTLS. Every service but the identity service validates the identity service's tokens itself.
/// </summary>
public static class ServicePlan
{

    /// <summary>The four domain services and the domains of the partners each hosts: the child-protection service hosts the Raad and the GI.</summary>
    private static readonly (Domain[] Domains, string Name, string Directory, string Assembly, int Offset)[] Nodes =
    [
        ([Domain.Police], "police", "services/Police", "Exchange.Police", 11),
        ([Domain.VeiligThuis], "veiligthuis", "services/VeiligThuis", "Exchange.VeiligThuis", 12),
        ([Domain.ChildProtection, Domain.YouthProtection], "childprotection", "services/ChildProtection", "Exchange.ChildProtection", 13),
        ([Domain.SocialTeam], "socialteam", "services/SocialTeam", "Exchange.SocialTeam", 14),
    ];

    public static Uri Gateway(LocalLayout layout) => layout.Url("https", 0);

    public static Uri Policy(LocalLayout layout) => layout.Url("http", 1);

    public static Uri Index(LocalLayout layout) => layout.Url("http", 2);

    /// <summary>The registry: registry administrators reach it directly, over mutual TLS with their own certificates.</summary>
    public static Uri Registry(LocalLayout layout) => layout.Url("https", 3);

    /// <summary>Where the registry is and the local registry administrators' credentials, for local.json.</summary>
    public static RegistryManifest RegistryManifest(LocalLayout layout) => new(
        Registry(layout).ToString(),
        [.. RegistryAdministrators.LocalClients.Select(c => new ClientManifest(c, layout.PartnerCertificate(c), layout.PartnerKey(c), [ExchangeScopes.RegistryAdmin]))]);

    /// <summary>The identity service: its issuer URL, where partners get tokens with their certificates.</summary>
    public static Uri Identity(LocalLayout layout) => new(layout.Url("https", 5), "/");

    /// <summary>Where the privacy officers' console will receive its login (the console issue serves it).</summary>
    public static Uri ConsoleRedirect(LocalLayout layout) => new(layout.Url("https", 6), "/signin-oidc");

    public static Uri NodeUrl(LocalLayout layout, Domain domain) => layout.Url("http", Nodes.Single(n => n.Domains.Contains(domain)).Offset);

    public static IReadOnlyList<ServiceSpec> Build(LocalLayout layout, IReadOnlyList<PartnerFile> partners)
    {
        var specs = new List<ServiceSpec>();
        var common = new Dictionary<string, string>
        {
            ["Pseudonyms__KeyFile"] = layout.PseudonymKey,
            ["Logging__Console__FormatterName"] = "simple",
            ["Tokens__Issuer"] = Identity(layout).ToString(),
            ["Tokens__IssuerCaPath"] = layout.CaCertificate,
        };

        // Each service also writes its spans to a file next to its log, for following a call locally.
        Dictionary<string, string> Traced(string name, Dictionary<string, string> environment)
        {
            environment["Telemetry__TraceFile"] = Path.Combine(layout.Logs, name + ".traces.jsonl");
            return environment;
        }

        specs.Add(new ServiceSpec("identity", "services/Identity", "Exchange.Identity", Identity(layout), Traced("identity", IdentityEnvironment(layout, partners))));

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

        // The registry records every change in the ledger (the policy service), and signs with the local CA.
        var registry = With(common, new()
        {
            ["Endpoint__Url"] = Registry(layout).ToString(),
            ["Endpoint__CertificatePath"] = layout.ServerCertificate("registry"),
            ["Endpoint__KeyPath"] = layout.ServerKey("registry"),
            ["Endpoint__ClientCaPath"] = layout.CaCertificate,
            ["Endpoint__ClientRevocationListPath"] = layout.RevocationList,
            ["Endpoint__RequireClientCertificate"] = "true",
            ["Registry__Store"] = "Sqlite",
            ["Registry__SqlitePath"] = Path.Combine(layout.Data, "registry", "registry.db"),
            ["Registry__LedgerAddress"] = Policy(layout).ToString(),
            ["Registry__PkiDirectory"] = layout.Pki,
        });
        specs.Add(new ServiceSpec("registry", "services/Registry", "Exchange.Registry", Registry(layout), Traced("registry", registry)));

        foreach (var node in Nodes)
        {
            var environment = With(common, new()
            {
                ["Endpoint__Url"] = layout.Url("http", node.Offset).ToString(),
                ["Node__DataDirectory"] = Path.Combine(layout.Data, node.Name),
                ["Node__PolicyAddress"] = Policy(layout).ToString(),
                ["Node__IndexAddress"] = Index(layout).ToString(),
            });
            var hosted = partners.Where(p => node.Domains.Contains(p.ParsedDomain)).ToList();
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
            ["Endpoint__ClientRevocationListPath"] = layout.RevocationList,
            ["Endpoint__RequireClientCertificate"] = "true",
            ["Gateway__IndexAddress"] = Index(layout).ToString(),
            ["Gateway__PlatformRoutes__0__Services__0"] = "ledger.v1.LedgerService",
            ["Gateway__PlatformRoutes__0__Address"] = Policy(layout).ToString(),
        });
        AddPartners(gateway, "Gateway__Partners", partners);
        if (layout.PartnerRate is { } rate)
        {
            gateway["Gateway__RateLimit__PermitsPerSecond"] = rate.ToString(CultureInfo.InvariantCulture);
            gateway["Gateway__RateLimit__Burst"] = (2 * rate).ToString(CultureInfo.InvariantCulture);
        }

        for (var i = 0; i < partners.Count; i++)
        {
            gateway[$"Gateway__Partners__{i}__Name"] = partners[i].Name;
            gateway[$"Gateway__Partners__{i}__ServiceAddress"] = NodeUrl(layout, partners[i].ParsedDomain).ToString();
        }

        specs.Add(new ServiceSpec("gateway", "gateway/Exchange.Gateway", "Exchange.Gateway", Gateway(layout), Traced("gateway", gateway)));
        specs.Add(ConsoleProcess.Spec(layout, partners, policy["Ledger__SigningKeyPath"], policy["Ledger__Origin"]));
        return specs;
    }

    /// <summary>
    /// The identity service: HTTPS with the exchange CA's server certificate, asking for (not requiring) client
    /// certificates so that partner systems authenticate with theirs (tls_client_auth) and browsers can log in.
    /// Each partner gets a client for its case system (the partner scopes) and one for its privacy officers
    /// (ledger review only), each registered with its own certificate; the console is a public PKCE client.
    /// </summary>
    private static Dictionary<string, string> IdentityEnvironment(LocalLayout layout, IReadOnlyList<PartnerFile> partners)
    {
        var environment = new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "simple",
            ["Endpoint__Url"] = layout.Url("https", 5).ToString(),
            ["Endpoint__CertificatePath"] = layout.ServerCertificate("identity"),
            ["Endpoint__KeyPath"] = layout.ServerKey("identity"),
            ["Endpoint__ClientCaPath"] = layout.CaCertificate,
            ["Endpoint__ClientRevocationListPath"] = layout.RevocationList,
            ["Endpoint__RequireClientCertificate"] = "false",
            ["Identity__Issuer"] = Identity(layout).ToString(),
            ["Identity__KeysDirectory"] = layout.IdentityKeys,
            ["Identity__Store__Provider"] = "Sqlite",
            ["Identity__Store__ConnectionString"] = "Data Source=" + layout.IdentityDatabase,
        };
        var client = 0;
        void Client(string clientId, string organisationId, string displayName, string domain, IEnumerable<string> scopes)
        {
            var prefix = $"Identity__Clients__{client++.ToString(CultureInfo.InvariantCulture)}__";
            environment[prefix + "ClientId"] = clientId;
            environment[prefix + "Kind"] = "System";
            environment[prefix + "DisplayName"] = displayName;
            environment[prefix + "OrganisationId"] = organisationId;
            environment[prefix + "Domain"] = domain;
            environment[prefix + "CertificatePaths__0"] = layout.PartnerCertificate(clientId);
            var i = 0;
            foreach (var scope in scopes)
            {
                environment[$"{prefix}Scopes__{i++.ToString(CultureInfo.InvariantCulture)}"] = scope;
            }
        }

        foreach (var partner in partners)
        {
            Client(partner.Id, partner.Id, partner.Name, partner.Domain, ExchangeScopes.Partner);
            Client(LocalLayout.ReviewerClient(partner.Id), partner.Id, partner.Name, partner.Domain, [ExchangeScopes.LedgerReview]);
        }

        // Two registry administrators, so that four-eyes approval can be tried locally.
        foreach (var administrator in RegistryAdministrators.LocalClients)
        {
            Client(administrator, RegistryAdministrators.OrganisationId, RegistryAdministrators.OrganisationName, RegistryAdministrators.PlaceholderDomain, [ExchangeScopes.RegistryAdmin]);
        }

        var console = $"Identity__Clients__{client.ToString(CultureInfo.InvariantCulture)}__";
        environment[console + "ClientId"] = "exchange-console";
        environment[console + "Kind"] = "Console";
        environment[console + "RedirectUris__0"] = ConsoleRedirect(layout).ToString();
        environment[console + "Scopes__0"] = "openid";
        environment[console + "Scopes__1"] = "profile";
        environment[console + "Scopes__2"] = ExchangeScopes.LedgerReview;
        for (var i = 0; i < partners.Count; i++)
        {
            var prefix = $"Identity__Users__{i.ToString(CultureInfo.InvariantCulture)}__";
            var userName = LocalLayout.PrivacyOfficer(partners[i].Id);
            environment[prefix + "UserName"] = userName;
            environment[prefix + "DisplayName"] = "Functionaris gegevensbescherming, " + partners[i].Name;
            environment[prefix + "OrganisationId"] = partners[i].Id;
            environment[prefix + "PasswordFile"] = layout.ConsolePassword(userName);
            environment[prefix + "Scopes__0"] = "openid";
            environment[prefix + "Scopes__1"] = "profile";
            environment[prefix + "Scopes__2"] = ExchangeScopes.LedgerReview;
        }

        return environment;
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
