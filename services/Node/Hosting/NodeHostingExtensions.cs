using Exchange.ServiceDefaults.Hosting;
using Exchange.Contracts.Index.V1;
using Exchange.Disclosure.Flow;
using Exchange.Disclosure.Hosting;
using Exchange.Node.Grpc;
using Exchange.Node.Inbox;
using Exchange.Node.Routing;
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

    public static WebApplication MapExchangeNode(this WebApplication app)
    {
        app.MapGrpcService<DisclosuresService>();
        app.MapGrpcService<SignalsService>();
        app.MapGrpcService<InboxGrpcService>();
        return app;
    }
}
