using Exchange.Console.Hosting;
using Exchange.Contracts.Registry.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Gateway;
using Exchange.Identity;
using Exchange.Index.Hosting;
using Exchange.Ledger.Checkpoints;
using Exchange.Ledger.Hosting;
using Exchange.Ledger.Witness;
using Exchange.Node.Hosting;
using Exchange.Policy.Hosting;
using Exchange.Registry.Client.Administration;
using Exchange.Registry.Client.Following;
using Exchange.Registry.Hosting;
using Exchange.ServiceDefaults.Clients;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Security;
using Exchange.Storage;
using Exchange.Topology.Settings;

namespace Exchange.Topology;

/// <summary>
/// The configuration of every process of an exchange, derived from its <see cref="ExchangeTopology"/>: the one place
/// where the processes are wired to each other (addresses, certificates, token validation, partners, stores).
/// </summary>
public static class TopologySettings
{
    /// <summary>Settings that no options type describes.</summary>
    private const string LogFormat = "Logging:Console:FormatterName";
    private const string TraceFile = "Telemetry:TraceFile";

    public static ProcessConfiguration For(this ExchangeTopology topology, ExchangeProcess process)
    {
        var configuration = new ProcessConfiguration()
            .Add(EndpointOptions.Section, Endpoint(topology, process))
            .Set(LogFormat, "simple");
        if (topology.TraceFiles)
        {
            configuration.Set(TraceFile, Path.Combine(topology.Logs, process.Name + ".traces.jsonl"));
        }

        // A process that calls others' internal RPCs does so as its own client, with its own certificate and bound token.
        var client = ExchangeTopology.ServiceClient(process);
        if (process.CallsInternally)
        {
            configuration
                .Add(TokenOptions.Section, Tokens(topology))
                .Add(ServiceIdentityOptions.Section, new ServiceIdentityOptions
                {
                    ClientId = client,
                    CertificatePath = topology.Pki.ClientCertificatePath(client),
                    KeyPath = topology.Pki.ClientKeyPath(client),
                });
        }
        if (topology.RegistryFollowers.Contains(process))
        {
            configuration.Add(RegistryFollowerOptions.Section, new RegistryFollowerOptions
            {
                Address = topology.Require(ExchangePart.Registry).Url,
                CaPath = topology.Pki.CaCertificatePath,
                CertificatePath = topology.Pki.ClientCertificatePath(client),
                KeyPath = topology.Pki.ClientKeyPath(client),
            });
        }

        if (process.Part is not (ExchangePart.Identity or ExchangePart.Console or ExchangePart.Witness))
        {
            configuration.Add(PseudonymOptions.Section, new PseudonymOptions { KeyFile = topology.PseudonymKeyFile });
        }

        return process.Part switch
        {
            ExchangePart.Identity => configuration.Add(IdentityOptions.Section, Identity(topology)),
            ExchangePart.Policy => configuration
                .Add(PolicyOptions.Section, new PolicyOptions
                {
                    BundleDirectory = topology.PolicyBundle,
                    IndexAddress = topology.Require(ExchangePart.Index).CallUrl,
                    Partners = [.. topology.Partners.Select(p => new PolicyPartner { Id = p.Id, Domain = p.Domain })],
                })
                .Add("Ledger", new LedgerOptions
                {
                    Store = topology.Postgres is null ? LedgerStoreKind.Sqlite : LedgerStoreKind.Postgres,
                    SqlitePath = topology.LedgerDatabase,
                    PostgresConnectionString = topology.Postgres,
                    SigningKeyPath = topology.LedgerSigningKey,
                    Origin = topology.LedgerOrigin,
                    Witnesses = topology.LedgerWitnesses(),
                    CosignInterval = TimeSpan.FromSeconds(2),
                }),
            ExchangePart.Index => WithStorage(configuration, topology, process).Add(IndexOptions.Section, new IndexOptions
            {
                DataDirectory = topology.DataOf(process),
                PolicyAddress = topology.Require(ExchangePart.Policy).CallUrl,
                SharedNodes = [.. topology.SharedInboxes],
                Partners = [.. topology.Partners.Select(p => new IndexPartner
                {
                    Id = p.Id,
                    Name = p.Name,
                    Domain = p.Domain,
                    NodeAddress = topology.NodeFor(p.Domain).CallUrl,
                })],
            }),
            ExchangePart.Registry => configuration.Add(RegistryOptions.Section, new RegistryOptions
            {
                Store = RegistryStoreKind.Sqlite,
                SqlitePath = topology.RegistryDatabase,
                LedgerAddress = topology.Require(ExchangePart.Policy).CallUrl,
                PkiDirectory = topology.Pki.Root,
            }),
            ExchangePart.Node => WithStorage(configuration, topology, process).Add(NodeOptions.Section, new NodeOptions
            {
                DataDirectory = topology.DataOf(process),
                PolicyAddress = topology.Require(ExchangePart.Policy).CallUrl,
                IndexAddress = topology.Require(ExchangePart.Index).CallUrl,
                Organisations = [.. topology.ActsFor(process)],
            }),
            ExchangePart.Gateway => configuration.Add(GatewayOptions.Section, Gateway(topology)),
            ExchangePart.Console => configuration.Add(ConsoleOptions.Section, Console(topology)),
            ExchangePart.Witness => configuration.Add(WitnessOptions.Section, Witness(topology, process)),
            _ => throw new ArgumentOutOfRangeException(nameof(process), process.Part, "unknown part"),
        };
    }

    /// <summary>
    /// A partner-hosted domain service: the same build as the exchange's shared node of its domain, serving one
    /// organisation on its own TLS endpoint with the server certificate it registered, keeping its own data, and
    /// using the exchange's policy and index and trusting its token issuer. Its internal calls go to the exchange's
    /// internal endpoints as its own node client (<c>&lt;id&gt;-node</c>, which the identity service derives from the
    /// registry), with the partner's client certificate and a token bound to it; the rule table lets it decide and log
    /// only as holder for itself. It still holds the exchange's pseudonym key, as a shared node does (docs/onboarding.md).
    /// </summary>
    public static ProcessConfiguration PartnerNode(
        this ExchangeTopology topology, string organisationId, Uri url, string certificatePath, string keyPath, string dataDirectory,
        string clientCertificatePath, string clientKeyPath) =>
        new ProcessConfiguration()
            .Add(EndpointOptions.Section, new EndpointOptions
            {
                Url = url.ToString(),
                CertificatePath = certificatePath,
                KeyPath = keyPath,
                // The exchange's index delivers into its inbox with the index's own certificate and token.
                ClientCaPath = topology.Pki.CaCertificatePath,
                ClientRevocationListPath = topology.Pki.RevocationListPath,
            })
            .Set(LogFormat, "simple")
            .Add(TokenOptions.Section, Tokens(topology))
            .Add(ServiceIdentityOptions.Section, new ServiceIdentityOptions
            {
                ClientId = Exchange.Identity.Clients.RegistryClients.NodeClientId(organisationId),
                CertificatePath = clientCertificatePath,
                KeyPath = clientKeyPath,
            })
            .Add(PseudonymOptions.Section, new PseudonymOptions { KeyFile = topology.PseudonymKeyFile })
            .Add(NodeOptions.Section, new NodeOptions
            {
                DataDirectory = dataDirectory,
                PolicyAddress = topology.Require(ExchangePart.Policy).CallUrl,
                IndexAddress = topology.Require(ExchangePart.Index).CallUrl,
                Organisations = [organisationId],
            });

    /// <summary>
    /// The one storage setting of the index and the domain services: with the topology's PostgreSQL, a schema of the
    /// process's own; otherwise nothing, and the service keeps its SQLite file under its data directory.
    /// </summary>
    private static ProcessConfiguration WithStorage(ProcessConfiguration configuration, ExchangeTopology topology, ExchangeProcess process) =>
        topology.Postgres is null
            ? configuration
            : configuration.Add(StorageOptions.Section, new StorageOptions { Provider = StoreProvider.Postgres, ConnectionString = topology.Postgres, Schema = process.Name });

    /// <summary>
    /// The exchange's witness: its key (created here first, so the ledger is configured with the key the witness will
    /// use) and the ledger's verifier key, the one log it witnesses.
    /// </summary>
    private static WitnessOptions Witness(ExchangeTopology topology, ExchangeProcess process)
    {
        using var signer = NoteSigner.LoadOrCreate(topology.LedgerSigningKey, topology.LedgerOrigin);
        return new WitnessOptions
        {
            Name = topology.WitnessName,
            KeyPath = topology.WitnessKeyFile,
            StateDirectory = topology.DataOf(process),
            LogVerifierKeys = [signer.VerifierKey],
        };
    }

    /// <summary>The witnesses the ledger has cosign its checkpoints: the exchange's own, when it runs one.</summary>
    public static IReadOnlyList<LedgerWitnessOptions> LedgerWitnesses(this ExchangeTopology topology)
    {
        if (topology.Find(ExchangePart.Witness) is not { } witness)
        {
            return [];
        }

        using var key = WitnessKey.LoadOrCreate(topology.WitnessKeyFile, topology.WitnessName);
        return [new LedgerWitnessOptions { Address = witness.Url, VerifierKey = key.VerifierKey }];
    }

    /// <summary>Token validation as every service but the identity service does it.</summary>
    public static TokenOptions Tokens(ExchangeTopology topology)
    {
        var defaults = new TokenOptions();
        return new TokenOptions
        {
            Issuer = topology.Issuer,
            IssuerCaPath = topology.Pki.CaCertificatePath,
            ClockSkew = topology.TokenClockSkew ?? defaults.ClockSkew,
            UnknownKeyRefreshInterval = topology.UnknownKeyRefreshInterval ?? defaults.UnknownKeyRefreshInterval,
        };
    }

    /// <summary>
    /// Loopback h2c for the services behind the gateway; TLS with the exchange CA's server certificate for what is
    /// reached from outside. The gateway and the registry require client certificates of the exchange CA (partners,
    /// administrators); the identity service asks for one (systems present theirs, browsers have none).
    /// </summary>
    private static EndpointOptions Endpoint(ExchangeTopology topology, ExchangeProcess process)
    {
        if (!process.IsHttps && process.InternalUrl is { } internalUrl)
        {
            return new EndpointOptions
            {
                Url = process.Url.ToString(),
                InternalUrl = internalUrl.ToString(),
                CertificatePath = topology.Pki.ServerCertificatePath(process.Name),
                KeyPath = topology.Pki.ServerKeyPath(process.Name),
                ClientCaPath = topology.Pki.CaCertificatePath,
                ClientRevocationListPath = topology.Pki.RevocationListPath,
            };
        }

        if (!process.IsHttps)
        {
            return new EndpointOptions { Url = process.Url.ToString() };
        }

        var endpoint = new EndpointOptions
        {
            Url = process.Url.ToString(),
            CertificatePath = topology.Pki.ServerCertificatePath(process.Name),
            KeyPath = topology.Pki.ServerKeyPath(process.Name),
        };
        return process.Part == ExchangePart.Console
            ? endpoint
            : endpoint with
            {
                ClientCaPath = topology.Pki.CaCertificatePath,
                ClientRevocationListPath = topology.Pki.RevocationListPath,
                RequireClientCertificate = process.Part is ExchangePart.Gateway or ExchangePart.Registry,
            };
    }

    private static GatewayOptions Gateway(ExchangeTopology topology)
    {
        var gateway = new GatewayOptions
        {
            IndexAddress = topology.Require(ExchangePart.Index).Url,
            PlatformRoutes = [new PlatformRoute { Services = ["ledger.v1.LedgerService"], Address = topology.Require(ExchangePart.Policy).Url }],
            SharedNodes = [.. topology.SharedNodes],
            Partners = [.. topology.Partners.Select(p => new PartnerRoute
            {
                Id = p.Id,
                Name = p.Name,
                Domain = p.Domain,
                ServiceAddress = topology.NodeFor(p.Domain).Url,
            })],
        };
        return topology.PartnerRate is { } rate
            ? gateway with { RateLimit = new RateLimitOptions { PermitsPerSecond = rate, Burst = 2 * rate } }
            : gateway;
    }

    /// <summary>
    /// Each partner gets a client for its case system (the partner scopes) and one for its privacy officers (ledger
    /// review only), each with its own certificate; the registry administrators one each; the console is a public
    /// PKCE client; each partner's privacy officer is a console user.
    /// </summary>
    private static IdentityOptions Identity(ExchangeTopology topology)
    {
        var clients = new List<ClientRegistration>();
        foreach (var partner in topology.Partners)
        {
            clients.Add(SystemClient(topology, partner.Id, partner.Id, partner.Name, DomainNames.ToName(partner.Domain), ExchangeScopes.Partner));
            clients.Add(SystemClient(topology, ExchangeTopology.ReviewerClient(partner.Id), partner.Id, partner.Name, DomainNames.ToName(partner.Domain), [ExchangeScopes.LedgerReview]));
        }

        foreach (var administrator in RegistryAdministrators.LocalClients)
        {
            clients.Add(SystemClient(
                topology, administrator, RegistryAdministrators.OrganisationId, RegistryAdministrators.OrganisationName, RegistryAdministrators.PlaceholderDomain, [ExchangeScopes.RegistryAdmin]));
        }

        foreach (var process in topology.Processes.Where(p => p.CallsInternally))
        {
            clients.Add(ServiceClient(topology, process));
        }

        if (topology.Find(ExchangePart.Console) is { } console)
        {
            clients.Add(new ClientRegistration
            {
                ClientId = "exchange-console",
                Kind = ClientKind.Console,
                RedirectUris = [ConsoleRedirect(console)],
                Scopes = ["openid", "profile", ExchangeScopes.LedgerReview],
            });
        }

        return new IdentityOptions
        {
            Issuer = topology.Issuer,
            KeysDirectory = topology.IdentityKeys,
            Store = new IdentityStoreOptions { Provider = IdentityStoreProvider.Sqlite, ConnectionString = "Data Source=" + topology.IdentityDatabase },
            Clients = clients,
            Users = [.. topology.Partners.Select(p => new UserRegistration
            {
                UserName = ExchangeTopology.PrivacyOfficer(p.Id),
                DisplayName = "Functionaris gegevensbescherming, " + p.Name,
                OrganisationId = p.Id,
                PasswordFile = topology.ConsolePassword(ExchangeTopology.PrivacyOfficer(p.Id)),
                Scopes = ["openid", "profile", ExchangeScopes.LedgerReview],
            })],
        };
    }

    /// <summary>
    /// A process's own client, for its internal calls: operated by the exchange's management organisation, with the
    /// role the contracts' <c>internal_callers</c> name, and for a domain service the organisations it holds data for.
    /// </summary>
    public static ClientRegistration ServiceClient(ExchangeTopology topology, ExchangeProcess process) => new()
    {
        ClientId = ExchangeTopology.ServiceClient(process),
        Kind = ClientKind.System,
        DisplayName = "Need-to-Know Exchange: " + process.Name,
        OrganisationId = RegistryAdministrators.OrganisationId,
        CertificatePaths = [topology.Pki.ClientCertificatePath(ExchangeTopology.ServiceClient(process))],
        Scopes = [ExchangeScopes.Internal],
        ServiceRole = ServiceRoles.ToName(process.Role),
        ActsFor = topology.ActsFor(process),
    };

    /// <summary>A system client registered for its own certificate (kept under <paramref name="clientId"/> in the PKI).</summary>
    public static ClientRegistration SystemClient(
        ExchangeTopology topology, string clientId, string organisationId, string displayName, string domain, IReadOnlyList<string> scopes) => new()
        {
            ClientId = clientId,
            Kind = ClientKind.System,
            DisplayName = displayName,
            OrganisationId = organisationId,
            Domain = domain,
            CertificatePaths = [topology.Pki.ClientCertificatePath(clientId)],
            Scopes = scopes,
        };

    /// <summary>Where the privacy officers' console receives its login.</summary>
    public static Uri ConsoleRedirect(ExchangeProcess console) => new(console.Url, "/signin-oidc");

    /// <summary>
    /// The console: the officers' login at the identity service, the ledger's officers' service on the policy service,
    /// the ledger's verifier key to check proofs with (created here first, so the console trusts the key the ledger
    /// will use instead of whatever key the ledger later presents), the policy bundle, and the partners' names.
    /// </summary>
    private static ConsoleOptions Console(ExchangeTopology topology)
    {
        using var signer = NoteSigner.LoadOrCreate(topology.LedgerSigningKey, topology.LedgerOrigin);
        return new ConsoleOptions
        {
            Issuer = topology.Issuer,
            IssuerCaPath = topology.Pki.CaCertificatePath,
            LedgerAddress = topology.Require(ExchangePart.Policy).CallUrl,
            LedgerVerifierKey = signer.VerifierKey,
            PolicyBundleDirectory = topology.PolicyBundle,
            KeysDirectory = Path.Combine(topology.Secrets, "console-keys"),
            Organisations = [.. topology.Partners.Select(p => new OrganisationSetting { Id = p.Id, Name = p.Name })],
        };
    }
}
