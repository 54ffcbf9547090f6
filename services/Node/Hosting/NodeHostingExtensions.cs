using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Node.Disclosure;
using Exchange.Node.Grpc;
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
        services.AddOptions<NodeOptions>()
            .Bind(builder.Configuration.GetSection(NodeOptions.Section))
            .Validate(o => !o.Validate().Any(), "Node options are invalid: " + NodeOptions.Section)
            .ValidateOnStart();
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
        services.AddSingleton<DisclosureFlow>();
        services.AddSingleton<SignalPublisher>();
        services.AddSingleton<IDisclosureAuthority, PolicyAuthority>();

        static Uri Policy(IServiceProvider p) => p.GetRequiredService<IOptions<NodeOptions>>().Value.PolicyAddress!;
        static TimeSpan Deadline(IServiceProvider p) => p.GetRequiredService<IOptions<NodeOptions>>().Value.PolicyDeadline;
        services.AddExchangeClient<PolicyService.PolicyServiceClient>(Policy, Deadline);
        services.AddExchangeClient<LedgerService.LedgerServiceClient>(Policy, Deadline);
        return builder;
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
        return app;
    }
}
