using Exchange.ServiceDefaults.Hosting;
using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Node.Disclosure;
using Exchange.Node.Grpc;
using Exchange.Node.Inbox;
using Exchange.Node.Routing;
using Exchange.Node.Pseudonyms;
using Exchange.Node.Publishing;
using Exchange.Node.Store;
using Exchange.ServiceDefaults.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
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
        services.AddValidatedOptions<NodeOptions>(builder.Configuration.GetSection(NodeOptions.Section), o => o.Validate());
        services.AddExchangePseudonyms(builder.Configuration);

        var dataDirectory = builder.Configuration[$"{NodeOptions.Section}:DataDirectory"] ?? string.Empty;
        services.AddDataProtection()
            .SetApplicationName("exchange-node-" + domain.Domain.ToString().ToLowerInvariant())
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory.Length > 0 ? dataDirectory : ".", "keys")))
            .SetDefaultKeyLifetime(TimeSpan.FromDays(30));

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<NodeContext>();
        services.AddSingleton(p => new NodeDatabase(Path.Combine(p.GetRequiredService<IOptions<NodeOptions>>().Value.DataDirectory, "node.db")));
        services.AddSingleton<SignalStore>();
        services.AddSingleton<SignalPublisher>();
        services.AddSingleton<InboxStore>();
        services.AddSingleton<IHolderNotices, LocalHolderNotices>();
        services.AddSingleton<RoutingStore>();
        services.AddSingleton<SignalRouter>();
        services.AddSingleton<ISignalRouter>(p => p.GetRequiredService<SignalRouter>());
        services.AddHostedService(p => p.GetRequiredService<SignalRouter>());

        static NodeOptions Options(IServiceProvider p) => p.GetRequiredService<IOptions<NodeOptions>>().Value;
        services.AddDisclosureClients(p => Options(p).PolicyAddress!, p => Options(p).PolicyDeadline);
        services.AddExchangeClient<RoutingService.RoutingServiceClient>(p => Options(p).IndexAddress!, p => Options(p).PolicyDeadline);
        return builder;
    }

    /// <summary>
    /// What any service needs to disclose data: the policy service (decide, record releases), the
    /// disclosure flow, and delivery into inboxes on other services.
    /// </summary>
    public static IServiceCollection AddDisclosureClients(this IServiceCollection services, Func<IServiceProvider, Uri> policy, Func<IServiceProvider, TimeSpan> deadline)
    {
        services.AddSingleton<IDisclosureAuthority, PolicyAuthority>();
        services.AddSingleton<DisclosureFlow>();
        services.AddSingleton<PeerChannels>();
        services.AddSingleton<IInboxDelivery>(p => new InboxDelivery(p.GetRequiredService<PeerChannels>(), deadline(p)));
        services.AddExchangeClient<PolicyService.PolicyServiceClient>(policy, deadline);
        services.AddExchangeClient<LedgerService.LedgerServiceClient>(policy, deadline);
        return services;
    }

    public static IServiceCollection AddExchangePseudonyms(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOptions<PseudonymOptions>()
            .Bind(configuration.GetSection(PseudonymOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Key) || !string.IsNullOrWhiteSpace(o.KeyFile), "Pseudonyms:Key or Pseudonyms:KeyFile is required")
            .ValidateOnStart();
        services.AddSingleton(p => new PseudonymCodec(p.GetRequiredService<IOptions<PseudonymOptions>>().Value.ResolveKey()));
        return services;
    }

    public static WebApplication MapExchangeNode(this WebApplication app)
    {
        app.MapGrpcService<DisclosuresService>();
        app.MapGrpcService<SignalsService>();
        app.MapGrpcService<InboxGrpcService>();
        return app;
    }
}
