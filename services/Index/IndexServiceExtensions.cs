using Exchange.ServiceDefaults.Hosting;
using Exchange.Index.Assessments;
using Exchange.Index.Families;
using Exchange.Index.Hosting;
using Exchange.Index.Involvements;
using Exchange.Index.Pseudonyms;
using Exchange.Index.Routing;
using Exchange.Index.Storage;
using Exchange.Disclosure.Hosting;
using Exchange.Registry.Client.Following;
using Microsoft.Extensions.Options;

namespace Exchange.Index;

public static class IndexServiceExtensions
{
    public static WebApplicationBuilder AddIndexService(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<IndexOptions>(builder.Configuration.GetSection(IndexOptions.Section), o => o.Validate());
        services.FollowRegistry<IndexOptions>(builder.Configuration, PartnerCatalog.ApplyRegistry);
        services.AddExchangePseudonyms(builder.Configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(p => new IndexDatabase(Path.Combine(p.GetRequiredService<IOptions<IndexOptions>>().Value.DataDirectory, "index.db")));
        services.AddSingleton<InvolvementStore>();
        services.AddSingleton<FamilyGraph>();
        services.AddSingleton<PartnerCatalog>();
        services.AddSingleton<Notifier>();
        services.AddSingleton<DivergenceWatch>();

        static IndexOptions Options(IServiceProvider p) => p.GetRequiredService<IOptions<IndexOptions>>().Value;
        services.AddDisclosureClients(p => Options(p).PolicyAddress!, p => Options(p).CallDeadline);
        return builder;
    }

    public static WebApplication MapIndexService(this WebApplication app)
    {
        app.MapGrpcService<PseudonymsService>();
        app.MapGrpcService<InvolvementsService>();
        app.MapGrpcService<AssessmentsService>();
        app.MapGrpcService<RoutingGrpcService>();
        return app;
    }
}
