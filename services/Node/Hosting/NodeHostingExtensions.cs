using Exchange.ServiceDefaults.Hosting;
using Exchange.Contracts.Index.V1;
using Exchange.Disclosure.Flow;
using Exchange.Disclosure.Hosting;
using Exchange.Node.Grpc;
using Exchange.Node.HolderDecisions;
using Exchange.Node.Inbox;
using Exchange.Node.Routing;
using Exchange.Node.Publishing;
using Exchange.Node.Store;
using Exchange.ServiceDefaults.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Exchange.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Node.Hosting;

/// <summary>Everything a domain service shares: store, disclosure flow, publishing, pseudonyms.</summary>
public static class NodeHostingExtensions
{
    public static WebApplicationBuilder AddExchangeNode(this WebApplicationBuilder builder, NodeDomain domain)
    {
        var services = builder.Services;
        services.AddSingleton(domain);
        services.AddExchangePseudonyms(builder.Configuration);

        var storage = services.AddStorageOptions(builder.Configuration);
        services.AddValidatedOptions<NodeOptions>(builder.Configuration.GetSection(NodeOptions.Section), o => o.Validate(storage.Provider));
        var dataDirectory = builder.Configuration[$"{NodeOptions.Section}:DataDirectory"] ?? string.Empty;
        var keyRing = services.AddDataProtection()
            .SetApplicationName("exchange-node-" + domain.Domain.ToString().ToLowerInvariant())
            .SetDefaultKeyLifetime(TimeSpan.FromDays(30));
        if (storage.IsPostgres)
        {
            // Replicas share the key ring through the database they share.
            services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(p =>
                new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseKeyRepository(p.GetRequiredService<NodeDatabase>())));
        }
        else
        {
            keyRing.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory.Length > 0 ? dataDirectory : ".", "keys")));
        }

        // Keys at rest encrypted with a certificate from outside the store (a Kubernetes Secret), when one is given.
        if (builder.Configuration[$"{NodeOptions.Section}:KeyRingCertificatePath"] is { Length: > 0 } certificatePath)
        {
            var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(
                certificatePath, builder.Configuration[$"{NodeOptions.Section}:KeyRingKeyPath"]);
            keyRing.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<NodeContext>();
        services.AddSingleton(p => NodeDatabase.Open(
            p.GetRequiredService<IOptions<StorageOptions>>().Value,
            Path.Combine(p.GetRequiredService<IOptions<NodeOptions>>().Value.DataDirectory, "node.db"),
            domain.Domain.ToString().ToLowerInvariant()));
        services.AddSingleton<SignalStore>();
        services.AddSingleton<SignalPublisher>();
        services.AddSingleton<InboxStore>();
        services.AddSingleton<IHolderNotices, LocalHolderNotices>();
        services.AddSingleton<RoutingStore>();
        services.AddSingleton<SignalRouter>();
        services.AddSingleton<ISignalRouter>(p => p.GetRequiredService<SignalRouter>());
        services.AddHostedService(p => p.GetRequiredService<SignalRouter>());
        services.AddSingleton<HolderDecisionStore>();
        services.AddSingleton<HolderDecisionFlow>();
        services.AddHostedService<HolderDecisionExpiry>();

        static NodeOptions Options(IServiceProvider p) => p.GetRequiredService<IOptions<NodeOptions>>().Value;
        services.AddDisclosureClients(p => Options(p).PolicyAddress!, p => Options(p).PolicyDeadline);
        services.AddExchangeClient<RoutingService.RoutingServiceClient>(p => Options(p).IndexAddress!, p => Options(p).PolicyDeadline);
        return builder;
    }

    public static WebApplication MapExchangeNode(this WebApplication app)
    {
        app.MapGrpcService<DisclosuresService>();
        app.MapGrpcService<SignalsService>();
        app.MapGrpcService<InboxGrpcService>();
        app.MapGrpcService<HolderDecisionsGrpcService>();
        return app;
    }
}
