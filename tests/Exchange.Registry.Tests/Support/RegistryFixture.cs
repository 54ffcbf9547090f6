using Exchange.Client;
using Exchange.Contracts.Registry.V1;
using Exchange.Ledger;
using Exchange.Ledger.Hosting;
using Exchange.Registry.Client.Administration;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Security;
using Exchange.Testing;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Registry.Tests.Support;

/// <summary>
/// The registry as it runs: on a loopback TLS socket that requires client certificates of the test CA, checking
/// tokens of the real identity service, recording in a real ledger (ledger.v1 on its own socket), signing with
/// the test CA. Two registry administrators and the four demo partners have clients.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public const string First = "registry-admin-1";
    public const string Second = "registry-admin-2";

    private readonly TempDirectory _data = new("exchange-registry");
    private readonly Dictionary<string, (PartnerTokenClient Tokens, GrpcChannel Channel)> _clients = [];

    public TestPki Pki { get; } = new();

    public CapturingLogs Logs { get; } = new();

    public TestIdentity Identity { get; private set; } = null!;

    public RunningService Ledger { get; private set; } = null!;

    public RunningService Registry { get; private set; } = null!;

    public IDisclosureLedger DisclosureLedger => Ledger.Services.GetRequiredService<IDisclosureLedger>();

    public async ValueTask InitializeAsync()
    {
        var admin = new TestPartner(RegistryAdministrators.OrganisationId, RegistryAdministrators.OrganisationName, RegistryAdministrators.PlaceholderDomain);
        var extra = new Dictionary<string, string?>();
        var index = TestPartner.Demo.Count;
        foreach (var client in new[] { First, Second })
        {
            Pki.SystemCertificate(client, admin.Id, admin.Name).Dispose();
            foreach (var (key, value) in TestIdentity.SystemClient(index++, client, admin, Pki.ClientCertificatePath(client), [ExchangeScopes.RegistryAdmin]))
            {
                extra[key] = value;
            }
        }

        // The registry records each change in the ledger as an exchange service: with its own client and token.
        foreach (var (key, value) in TestIdentity.ServiceClient(index++, Pki, ServiceClientId, "REGISTRY")
            .Concat(TestIdentity.ServiceClient(index++, Pki, FollowerClientId, "INDEX")))
        {
            extra[key] = value;
        }

        Identity = await TestIdentity.StartAsync(Pki, TestPartner.Demo, extra, Logs);
        Ledger = await StartLedgerAsync(Identity, Pki, _data.Path, Logs);
        Registry = await StartRegistryAsync(Identity, Pki, Ledger.Address, _data.Path, Logs);
    }

    /// <summary>A registry client of an administrator (or a partner's system), with its own certificate and token.</summary>
    public RegistryService.RegistryServiceClient Client(string clientId = First)
    {
        if (!_clients.TryGetValue(clientId, out var client))
        {
            var tokens = Identity.TokenClient(clientId);
            client = (tokens, PartnerChannel.Create(Registry.Address, Pki.Ca, Pki.Directory.LoadClient(clientId), tokens));
            _clients[clientId] = client;
        }

        return new RegistryService.RegistryServiceClient(client.Channel);
    }

    /// <summary>The registry's own client at the identity service, for its ledger appends.</summary>
    public const string ServiceClientId = "service-registry";

    /// <summary>A service that follows the registry (as the index does), with a client of its own.</summary>
    public const string FollowerClientId = "service-index";

    /// <summary>The ledger, taking internal calls over TLS with the callers' client certificates.</summary>
    public static Task<RunningService> StartLedgerAsync(TestIdentity identity, TestPki pki, string directory, CapturingLogs logs) =>
        RunningService.StartAsync("ledger", typeof(LedgerHostingExtensions), new Dictionary<string, string?>(identity.TokenValidation.Concat(pki.TlsEndpoint(requireClientCertificate: true)))
        {
            ["Ledger:Store"] = "Sqlite",
            ["Ledger:SqlitePath"] = Path.Combine(directory, "ledger", "ledger.db"),
            ["Ledger:SigningKeyPath"] = Path.Combine(directory, "ledger", "signing.key"),
            ["Ledger:Origin"] = "exchange.test/ledger",
        }, b => b.Services.AddDisclosureLedger(b.Configuration.GetSection("Ledger")), a =>
        {
            a.MapServiceDefaults();
            a.MapDisclosureLedger();
        }, logs);

    public static Task<RunningService> StartRegistryAsync(TestIdentity identity, TestPki pki, Uri ledger, string directory, CapturingLogs logs, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var configuration = new Dictionary<string, string?>(identity.TokenValidation);
        foreach (var (key, value) in pki.TlsEndpoint(requireClientCertificate: true))
        {
            configuration[key] = value;
        }

        foreach (var (key, value) in TestIdentity.ServiceSettings(pki, ServiceClientId))
        {
            configuration[key] = value;
        }

        configuration["Registry:Store"] = "Sqlite";
        configuration["Registry:SqlitePath"] = Path.Combine(directory, "registry", "registry.db");
        configuration["Registry:LedgerAddress"] = ledger.ToString();
        configuration["Registry:PkiDirectory"] = pki.Directory.Root;
        configuration["Registry:ChangePollInterval"] = "00:00:00.200";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        return RunningService.StartAsync("registry", typeof(RegistryServiceExtensions), configuration, b => b.AddRegistryService(), a =>
        {
            a.MapServiceDefaults();
            a.MapRegistryService();
        }, logs);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (tokens, channel) in _clients.Values)
        {
            channel.Dispose();
            tokens.Dispose();
        }

        await Registry.DisposeAsync();
        await Ledger.DisposeAsync();
        await Identity.DisposeAsync();
        Pki.Dispose();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry";
}
