using Exchange.ServiceDefaults.Hosting;
using Exchange.Contracts.Index.V1;
using Exchange.Ledger.Hosting;
using Exchange.Policy.Decisions;
using Exchange.Policy.Engine;
using Exchange.Policy.Facts;
using Exchange.Policy.Grpc;
using Exchange.Policy.Hosting;
using Exchange.Policy.Registry;
using Exchange.Registry.Client.Following;
using Exchange.ServiceDefaults.Clients;
using Microsoft.Extensions.Options;

namespace Exchange.Policy;

public static class PolicyServiceExtensions
{
    /// <summary>
    /// The policy decision point with its ledger. The bundle is loaded, validated and tested before the
    /// service starts: a bad bundle stops the start with the file, line and problem.
    /// </summary>
    public static WebApplicationBuilder AddPolicyService(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<PolicyOptions>(builder.Configuration.GetSection(PolicyOptions.Section), o => o.Validate());
        services.AddSingleton(TimeProvider.System);
        services.FollowRegistry<PolicyOptions>(builder.Configuration, FactResolver.ApplyRegistry);
        services.AddSingleton(p => new RegistryBundle(
            p.GetRequiredService<IOptions<PolicyOptions>>(), p.GetRequiredService<TimeProvider>(), p.GetService<IPartnerSnapshots>()));
        services.AddSingleton(p =>
        {
            var bundle = p.GetRequiredService<RegistryBundle>();
            return PolicyEngine.Start(bundle.Compose, bundle.Directory);
        });
        services.AddHostedService<BundleReloadLogger>();
        services.AddSingleton<FactResolver>();
        services.AddSingleton<DecisionService>();
        services.AddExchangeClient<RoutingService.RoutingServiceClient>(
            p => p.GetRequiredService<IOptions<PolicyOptions>>().Value.IndexAddress!,
            p => p.GetRequiredService<IOptions<PolicyOptions>>().Value.FactsDeadline);
        services.AddDisclosureLedger(builder.Configuration.GetSection("Ledger"));
        return builder;
    }

    public static WebApplication MapPolicyService(this WebApplication app)
    {
        // Fail at start, not at the first request, when the bundle is bad.
        _ = app.Services.GetRequiredService<PolicyEngine>();
        app.MapGrpcService<PolicyGrpcService>();
        app.MapDisclosureLedger();
        return app;
    }
}
