using Exchange.Index.Pseudonyms;
using Exchange.Node.Hosting;

namespace Exchange.Index;

public static class IndexServiceExtensions
{
    public static WebApplicationBuilder AddIndexService(this WebApplicationBuilder builder)
    {
        builder.Services.AddExchangePseudonyms(builder.Configuration);
        return builder;
    }

    public static WebApplication MapIndexService(this WebApplication app)
    {
        app.MapGrpcService<PseudonymsService>();
        return app;
    }
}
