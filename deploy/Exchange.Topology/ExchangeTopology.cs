using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.Pki;
using Exchange.Registry.Client.PartnerFiles;
using Exchange.Registry.Client.Snapshots;

namespace Exchange.Topology;

/// <summary>The kinds of process an exchange is made of.</summary>
public enum ExchangePart
{
    Identity,
    Policy,
    Index,
    Registry,
    Node,
    Gateway,
    Console,

    /// <summary>A C2SP tlog-witness that cosigns the ledger's checkpoints; the ledger keeps it up to date.</summary>
    Witness,
}

/// <summary>One process of the exchange: what it is, where it listens, and (a domain service) which domains it serves.</summary>
public sealed record ExchangeProcess(string Name, ExchangePart Part, Uri Url)
{
    /// <summary>A shared domain service: the domains of the partners whose data it holds.</summary>
    public IReadOnlyList<Domain> Domains { get; init; } = [];

    /// <summary>Where the project is, relative to the repository root, and the assembly it builds.</summary>
    public string ProjectDirectory { get; init; } = string.Empty;

    public string AssemblyName { get; init; } = string.Empty;

    /// <summary>Where other exchange services make their internal calls to it (TLS, their client certificates required); null: at <see cref="Url"/>.</summary>
    public Uri? InternalUrl { get; init; }

    /// <summary>The address another exchange service calls it at.</summary>
    public Uri CallUrl => InternalUrl ?? Url;

    public bool IsHttps => Url.Scheme == Uri.UriSchemeHttps;

    /// <summary>Whether it serves TLS at all, and so needs a server certificate of the exchange CA.</summary>
    public bool ServesTls => IsHttps || InternalUrl is not null;

    /// <summary>Its role when it calls another service's internal RPCs (the contracts' <c>internal_callers</c>).</summary>
    public ServiceRole Role => Part switch
    {
        ExchangePart.Gateway => ServiceRole.Gateway,
        ExchangePart.Policy => ServiceRole.Policy,
        ExchangePart.Index => ServiceRole.Index,
        ExchangePart.Registry => ServiceRole.Registry,
        ExchangePart.Node => ServiceRole.Node,
        ExchangePart.Console => ServiceRole.Console,
        ExchangePart.Identity => ServiceRole.Identity,
        // The witness calls no one: the ledger brings it checkpoints.
        _ => ServiceRole.Unspecified,
    };

    /// <summary>
    /// Whether the exchange's operator runs it. A witness is kept by a partner or the supervising authority, outside
    /// the operator's control (that is its worth); the launcher runs one locally only so that checkpoints get co-signed.
    /// </summary>
    public bool RunByOperator => Part != ExchangePart.Witness;

    /// <summary>Whether it calls other services' internal RPCs, and so has a client (and certificate) of its own.</summary>
    public bool CallsInternally => Role != ServiceRole.Unspecified;
}

/// <summary>
/// One exchange on one host, typed: every process and its address, where the CA, the secrets and the data are, and
/// the demo partners. The local launcher and the test harnesses (ExchangeCluster, SecuredExchange) describe their
/// exchange with this and derive every process's configuration from it (<see cref="TopologySettings"/>), so the
/// wiring is written once.
/// </summary>
public sealed record ExchangeTopology
{
    /// <summary>
    /// Each process, its project, its port offset from the base port, whether it serves TLS, and the offset of its
    /// internal endpoint (0: none). The services behind the gateway take the gateway's calls over loopback h2c and
    /// the internal calls of other services over TLS with client certificates, so that each call's token is bound.
    /// </summary>
    private static readonly (string Name, ExchangePart Part, string Project, string Assembly, int Offset, bool Https, int Internal, Domain[] Domains)[] Catalogue =
    [
        ("gateway", ExchangePart.Gateway, "gateway/Exchange.Gateway", "Exchange.Gateway", 0, true, 0, []),
        ("policy", ExchangePart.Policy, "services/Policy", "Exchange.Policy", 1, false, 9, []),
        ("index", ExchangePart.Index, "services/Index", "Exchange.Index", 2, false, 8, []),
        ("registry", ExchangePart.Registry, "services/Registry", "Exchange.Registry", 3, true, 0, []),
        ("identity", ExchangePart.Identity, "services/Identity", "Exchange.Identity", 5, true, 0, []),
        ("console", ExchangePart.Console, "services/Console", "Exchange.Console", 6, true, 0, []),
        ("witness", ExchangePart.Witness, "services/Witness", "Exchange.Witness", 7, false, 0, []),
        ("police", ExchangePart.Node, "services/Police", "Exchange.Police", 11, false, 15, [Domain.Police]),
        ("veiligthuis", ExchangePart.Node, "services/VeiligThuis", "Exchange.VeiligThuis", 12, false, 16, [Domain.VeiligThuis]),
        ("childprotection", ExchangePart.Node, "services/ChildProtection", "Exchange.ChildProtection", 13, false, 17, [Domain.ChildProtection, Domain.YouthProtection]),
        ("socialteam", ExchangePart.Node, "services/SocialTeam", "Exchange.SocialTeam", 14, false, 18, [Domain.SocialTeam]),
    ];

    /// <summary>What names a process's internal endpoint to a port function: the process's name and this.</summary>
    public const string InternalSuffix = "/internal";

    /// <summary>How many consecutive ports from the base port the whole exchange needs.</summary>
    public const int PortCount = 20;

    public required string RepositoryRoot { get; init; }

    /// <summary>Data, secrets and logs; e.g. .exchange/ or a test's temporary directory.</summary>
    public required string DataRoot { get; init; }

    /// <summary>The exchange CA in the layout of <c>exchange pki</c>.</summary>
    public required PkiDirectory Pki { get; init; }

    public required IReadOnlyList<ExchangeProcess> Processes { get; init; }

    /// <summary>The demo partners, as their partner files describe them.</summary>
    public IReadOnlyList<PartnerApplication> Partners { get; init; } = [];

    /// <summary>The gateway's per-partner rate (calls per second); null keeps the gateway's default.</summary>
    public int? PartnerRate { get; init; }

    /// <summary>Tolerated clock drift when services check tokens; tests shorten it to see tokens expire.</summary>
    public TimeSpan? TokenClockSkew { get; init; }

    /// <summary>How soon an unknown signing key makes a service read the identity service's keys again.</summary>
    public TimeSpan? UnknownKeyRefreshInterval { get; init; }

    /// <summary>Every service writes its spans to a file beside its log (the launcher, for following a call locally).</summary>
    public bool TraceFiles { get; init; }

    /// <summary>
    /// Where the stores live. Null: SQLite files under <see cref="Data"/> (the launcher's default). A PostgreSQL
    /// connection string: the ledger, the index and every domain service's signal store and inboxes live in that
    /// database instead (the ledger in the connection's default schema, the others each in a schema named after
    /// their process), their schemas migrated at start-up. The registry and the identity service keep SQLite here.
    /// </summary>
    public string? Postgres { get; init; }

    /// <summary>The checkpoint origin line of the ledger.</summary>
    public string LedgerOrigin { get; init; } = "exchange.local/ledger";

    public string Secrets => Path.Combine(DataRoot, "secrets");

    public string Data => Path.Combine(DataRoot, "data");

    public string Logs => Path.Combine(DataRoot, "logs");

    public string PolicyBundle => Path.Combine(RepositoryRoot, "policies");

    public string PartnerFiles => Path.Combine(RepositoryRoot, "deploy", "partners");

    public string PseudonymKeyFile => Path.Combine(Secrets, "pseudonym.key");

    public string IdentityKeys => Path.Combine(Secrets, "identity-keys");

    public string IdentityDatabase => Path.Combine(Data, "identity", "identity.db");

    public string LedgerDatabase => Path.Combine(Data, "ledger", "ledger.db");

    public string LedgerSigningKey => Path.Combine(Secrets, "ledger-signing.key");

    /// <summary>The witness's key name, on its cosignature lines.</summary>
    public string WitnessName => LedgerOrigin.Split('/')[0] + "/witness";

    /// <summary>The witness's Ed25519 key: in a real exchange another organisation (the supervising authority) holds it.</summary>
    public string WitnessKeyFile => Path.Combine(Secrets, "witness.key");

    public string RegistryDatabase => Path.Combine(Data, "registry", "registry.db");

    /// <summary>A privacy officer's initial console password (development only).</summary>
    public string ConsolePassword(string userName) => Path.Combine(Secrets, "console-users", userName + ".txt");

    /// <summary>A process's own data directory (a domain service's store and keys, the index's database).</summary>
    public string DataOf(ExchangeProcess process) => Path.Combine(Data, process.Name);

    public ExchangeProcess Process(string name) =>
        Processes.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"This exchange has no process '{name}'.", nameof(name));

    public ExchangeProcess? Find(ExchangePart part) => Processes.FirstOrDefault(p => p.Part == part);

    public ExchangeProcess Require(ExchangePart part) =>
        Find(part) ?? throw new InvalidOperationException($"This exchange has no {part} process.");

    /// <summary>The shared domain service that holds the data of partners of <paramref name="domain"/>.</summary>
    public ExchangeProcess NodeFor(Domain domain) =>
        Processes.FirstOrDefault(p => p.Part == ExchangePart.Node && p.Domains.Contains(domain))
        ?? throw new InvalidOperationException($"This exchange has no domain service for {domain}.");

    /// <summary>
    /// The processes in the order they start: the identity service first (every other service validates its tokens),
    /// the witness before the ledger that has it cosign, the policy service and its ledger before what records in it, the domain services before the gateway routes to
    /// them, the console last.
    /// </summary>
    public IEnumerable<ExchangeProcess> StartOrder => Processes.OrderBy(p => p.Part switch
    {
        ExchangePart.Identity or ExchangePart.Witness => 0,
        ExchangePart.Policy => 1,
        ExchangePart.Index => 2,
        ExchangePart.Registry => 3,
        ExchangePart.Node => 4,
        ExchangePart.Gateway => 5,
        _ => 6,
    });

    /// <summary>The identity service's issuer URL (ends in '/').</summary>
    public Uri Issuer => new(Require(ExchangePart.Identity).Url, "/");

    /// <summary>
    /// Whether the gateway, policy, index and identity services follow the partner registry (they do whenever the
    /// exchange has one): a partner approved there is admitted without a restart, one suspended or revoked is refused.
    /// </summary>
    public bool FollowsRegistry => Find(ExchangePart.Registry) is not null;

    /// <summary>The processes that follow the registry, each with its own client certificate for the registry's mutual TLS.</summary>
    public IEnumerable<ExchangeProcess> RegistryFollowers => FollowsRegistry
        ? Processes.Where(p => p.Part is ExchangePart.Gateway or ExchangePart.Policy or ExchangePart.Index or ExchangePart.Identity)
        : [];

    /// <summary>
    /// The client id of a service's own client at the identity service, for its internal calls; its certificate is
    /// kept under this name in the PKI. Every process has one: the identity service too, which follows the registry.
    /// </summary>
    public static string ServiceClient(ExchangeProcess process) => "service-" + process.Name;

    /// <summary>The organisations a domain service holds data for: the only holders it may decide and log for.</summary>
    public IReadOnlyList<string> ActsFor(ExchangeProcess process) =>
        process.Part == ExchangePart.Node ? [.. Partners.Where(p => process.Domains.Contains(p.Domain)).Select(p => p.Id)] : [];

    /// <summary>The shared domain service of each domain the exchange serves itself, where the gateway forwards partners' calls.</summary>
    public IEnumerable<SharedNode> SharedNodes =>
        Processes.Where(p => p.Part == ExchangePart.Node).SelectMany(p => p.Domains.Select(d => new SharedNode { Domain = d, Address = p.Url }));

    /// <summary>The same, where other services deliver into their inboxes (the internal endpoint).</summary>
    public IEnumerable<SharedNode> SharedInboxes =>
        Processes.Where(p => p.Part == ExchangePart.Node).SelectMany(p => p.Domains.Select(d => new SharedNode { Domain = d, Address = p.CallUrl }));

    /// <summary>The client id of an organisation's privacy officers' system, which may review the ledger.</summary>
    public static string ReviewerClient(string organisationId) => organisationId + "-fg";

    /// <summary>The console user name of an organisation's privacy officer (functionaris gegevensbescherming).</summary>
    public static string PrivacyOfficer(string organisationId) => "fg." + organisationId;

    /// <summary>
    /// An exchange on 127.0.0.1. <paramref name="port"/> gives each process its port (a launcher's base port plus
    /// the process's offset, or a free port of a test's); <paramref name="only"/> limits the processes (a harness
    /// that leaves some out); the demo partners come from <c>deploy/partners/*.yaml</c>.
    /// </summary>
    public static ExchangeTopology OnLoopback(
        string repositoryRoot, string dataRoot, PkiDirectory pki, Func<string, int> port, IEnumerable<string>? only = null)
    {
        var chosen = only?.ToHashSet(StringComparer.Ordinal);
        var processes = Catalogue
            .Where(c => chosen is null || chosen.Contains(c.Name))
            .Select(c => new ExchangeProcess(c.Name, c.Part, new Uri($"{(c.Https ? "https" : "http")}://127.0.0.1:{port(c.Name)}"))
            {
                InternalUrl = c.Internal > 0 ? new Uri($"https://127.0.0.1:{port(c.Name + InternalSuffix)}") : null,
                Domains = c.Domains,
                ProjectDirectory = c.Project,
                AssemblyName = c.Assembly,
            })
            .ToList();
        return new ExchangeTopology
        {
            RepositoryRoot = repositoryRoot,
            DataRoot = dataRoot,
            Pki = pki,
            Processes = processes,
            Partners = DemoPartners(Path.Combine(repositoryRoot, "deploy", "partners")),
        };
    }

    /// <summary>
    /// The name of the shared domain service that holds the data of partners of <paramref name="domain"/>, as a
    /// launcher's manifest keys its services (for tools that call a domain service directly, such as the load tool).
    /// </summary>
    public static string NodeName(Domain domain) =>
        Catalogue.First(c => c.Part == ExchangePart.Node && c.Domains.Contains(domain)).Name;

    /// <summary>The port offset of a process from the launcher's base port.</summary>
    public static int Offset(string name) => name.EndsWith(InternalSuffix, StringComparison.Ordinal)
        ? Catalogue.Single(c => c.Name == name[..^InternalSuffix.Length]).Internal
        : Catalogue.Single(c => c.Name == name).Offset;

    /// <summary>
    /// Every partner file of the directory, in name order. A file with problems stops the start with each problem at
    /// its file, line and column. Demo partners get development certificates from the local CA, so their files name
    /// no certificate request.
    /// </summary>
    public static IReadOnlyList<PartnerApplication> DemoPartners(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal)
            .Select(path => PartnerFileReader.Read(path, requireCertificate: false))
            .ToList();
        var errors = files.SelectMany(f => f.Errors).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidDataException("The partner files have problems:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        var duplicate = files.GroupBy(f => f.Application.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"The partner id '{duplicate.Key}' appears in more than one file: {string.Join(", ", duplicate.Select(f => f.Path))}");
        }

        return [.. files.Select(f => f.Application)];
    }
}
