using Exchange.Client;
using System.Globalization;
using Exchange.Identity;
using Exchange.ServiceDefaults.Security;
using Exchange.Topology;
using Microsoft.Extensions.Logging;

namespace Exchange.Testing;

/// <summary>A partner organisation as the tests know it.</summary>
public sealed record TestPartner(string Id, string Name, string Domain)
{
    /// <summary>The demo partners of the acceptance scenario, read from deploy/partners/*.yaml.</summary>
    public static readonly IReadOnlyList<TestPartner> Demo =
        [.. Exchange.Topology.ExchangeTopology.DemoPartners(Repository.Path("deploy", "partners")).Select(p => new TestPartner(p.Id, p.Name, DomainNames.ToName(p.Domain)))];
}

/// <summary>
/// The real identity service (OpenIddict, SQLite) on a loopback HTTPS socket, with a client per partner
/// registered for the partner's certificate and the partner scopes. Services and the gateway validate
/// its tokens through <see cref="TokenValidation"/>; partners get tokens through <see cref="TokenClient"/>.
/// <code>
/// using var pki = new TestPki();
/// await using var identity = await TestIdentity.StartAsync(pki, TestPartner.Demo);
/// var service = await RunningService.StartAsync(..., identity.TokenValidation.Concat(...), ...);
/// using var tokens = identity.TokenClient("vt-mwb");
/// using var channel = PartnerChannel.Create(gateway, pki.Ca, pki.ClientCertificate("vt-mwb"), tokens);
/// </code>
/// </summary>
public sealed class TestIdentity : IAsyncDisposable
{
    private readonly TempDirectory? _directory;
    private readonly TestPki _pki;
    private readonly Func<Task<RunningService>> _start;

    private TestIdentity(RunningService service, TempDirectory? directory, TestPki pki, Func<Task<RunningService>> start)
    {
        Service = service;
        _directory = directory;
        _pki = pki;
        _start = start;
    }

    public RunningService Service { get; private set; }

    /// <summary>Starts a stopped identity service again on the same port, with the same clients, store and signing keys.</summary>
    public async Task RestartAsync()
    {
        await Service.DisposeAsync();
        Service = await _start();
    }

    /// <summary>The issuer, e.g. https://127.0.0.1:41234/.</summary>
    public Uri Issuer => new(Service.Address, "/");

    /// <summary>The <c>Tokens</c> settings every service and the gateway need to validate this issuer's tokens.</summary>
    public IReadOnlyDictionary<string, string?> TokenValidation => new Dictionary<string, string?>
    {
        ["Tokens:Issuer"] = Issuer.AbsoluteUri,
        ["Tokens:IssuerCaPath"] = _pki.CaPath,
        ["Tokens:Audience"] = ExchangeClaims.ApiAudience,
        ["Tokens:ClockSkew"] = "00:00:01",
        ["Tokens:UnknownKeyRefreshInterval"] = "00:00:01",
    };

    /// <summary>
    /// Starts the identity service. <paramref name="extra"/> adds or overrides settings (more clients,
    /// shorter lifetimes); the issuer is fixed after the port is known, so clients and tests agree on it.
    /// </summary>
    public static async Task<TestIdentity> StartAsync(
        TestPki pki, IEnumerable<TestPartner> partners, IReadOnlyDictionary<string, string?>? extra = null, ILoggerProvider? logs = null)
    {
        var directory = new TempDirectory("exchange-identity");
        // The issuer is in the service's configuration, so its port is chosen before it starts.
        var port = FreePorts.Next();
        var configuration = new Dictionary<string, string?>(pki.TlsEndpoint(requireClientCertificate: false))
        {
            ["Endpoint:Url"] = $"https://127.0.0.1:{port}",
            ["Identity:Issuer"] = $"https://127.0.0.1:{port}/",
            ["Identity:KeysDirectory"] = directory.Subdirectory("keys"),
            ["Identity:Store:Provider"] = "Sqlite",
            ["Identity:Store:ConnectionString"] = $"Data Source={directory.File("identity.db")}",
        };
        var index = 0;
        foreach (var partner in partners)
        {
            using var certificate = pki.ClientCertificate(partner.Id, partner.Name);
            foreach (var (key, value) in SystemClient(index++, partner.Id, partner, pki.ClientCertificatePath(partner.Id), ExchangeScopes.Partner))
            {
                configuration[key] = value;
            }
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        Task<RunningService> Start() => RunningService.StartAsync(
            "exchange-identity", typeof(IdentityServiceExtensions), configuration,
            b => b.AddIdentityService(), a => a.MapIdentityService(), logs, issuesTokens: true);
        return new TestIdentity(await Start(), directory, pki, Start);
    }

    /// <summary>
    /// The identity service of a harness's topology, started with <paramref name="settings"/> (the topology's, perhaps
    /// with more clients); its keys and database are in the topology's data directory.
    /// </summary>
    public static async Task<TestIdentity> StartAsync(ExchangeProcess process, IReadOnlyDictionary<string, string?> settings, TestPki pki, ILoggerProvider? logs = null)
    {
        Task<RunningService> Start() => InProcessServices.StartAsync(process, settings, logs);
        return new(await Start(), null, pki, Start);
    }

    /// <summary>Settings that register one more system client (index <paramref name="index"/> in Identity:Clients).</summary>
    public static IReadOnlyDictionary<string, string?> SystemClient(
        int index, string clientId, TestPartner partner, string certificatePath, IReadOnlyList<string> scopes, TimeSpan? lifetime = null)
    {
        var prefix = $"Identity:Clients:{index.ToString(CultureInfo.InvariantCulture)}:";
        var settings = new Dictionary<string, string?>
        {
            [prefix + "ClientId"] = clientId,
            [prefix + "Kind"] = "System",
            [prefix + "DisplayName"] = partner.Name,
            [prefix + "OrganisationId"] = partner.Id,
            [prefix + "Domain"] = partner.Domain,
            [prefix + "CertificatePaths:0"] = certificatePath,
        };
        for (var i = 0; i < scopes.Count; i++)
        {
            settings[$"{prefix}Scopes:{i.ToString(CultureInfo.InvariantCulture)}"] = scopes[i];
        }

        if (lifetime is { } value)
        {
            settings[prefix + "AccessTokenLifetime"] = value.ToString("c", CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>
    /// An exchange service's own client for its internal calls, at index <paramref name="index"/> of the identity
    /// service's clients: its certificate (issued here, kept under <paramref name="clientId"/>), its role (NODE, INDEX,
    /// REGISTRY, …), and for a node the organisations it holds data for. The service uses it with <see cref="ServiceSettings"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ServiceClient(int index, TestPki pki, string clientId, string role, params string[] actsFor)
    {
        pki.SystemCertificate(clientId, "exchange-beheer", "Beheerorganisatie Need-to-Know Exchange").Dispose();
        var prefix = $"Identity:Clients:{index.ToString(CultureInfo.InvariantCulture)}:";
        var settings = new Dictionary<string, string?>
        {
            [prefix + "ClientId"] = clientId,
            [prefix + "Kind"] = "System",
            [prefix + "DisplayName"] = clientId,
            [prefix + "OrganisationId"] = "exchange-beheer",
            [prefix + "CertificatePaths:0"] = pki.ClientCertificatePath(clientId),
            [prefix + "Scopes:0"] = ExchangeScopes.Internal,
            [prefix + "ServiceRole"] = role,
        };
        for (var i = 0; i < actsFor.Length; i++)
        {
            settings[$"{prefix}ActsFor:{i.ToString(CultureInfo.InvariantCulture)}"] = actsFor[i];
        }

        return settings;
    }

    /// <summary>The settings that make a service call others' internal RPCs as <paramref name="clientId"/> (see <see cref="ServiceClient"/>).</summary>
    public static IReadOnlyDictionary<string, string?> ServiceSettings(TestPki pki, string clientId) => new Dictionary<string, string?>
    {
        ["Service:ClientId"] = clientId,
        ["Service:CertificatePath"] = pki.ClientCertificatePath(clientId),
        ["Service:KeyPath"] = pki.Directory.ClientKeyPath(clientId),
    };

    /// <summary>
    /// A token client for a registered client, authenticating with its certificate: the one kept under the
    /// client id (a partner's main system: its organisation id), or under <paramref name="certificateName"/>.
    /// </summary>
    public PartnerTokenClient TokenClient(
        string clientId, ClientAuthentication authentication = ClientAuthentication.TlsClientCertificate, string? certificateName = null, IReadOnlyList<string>? scopes = null) =>
        new(Issuer, _pki.Ca, _pki.Directory.LoadClient(certificateName ?? clientId), clientId, authentication, scopes);

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        _directory?.Dispose();
    }

}
