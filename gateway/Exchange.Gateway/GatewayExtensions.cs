using Exchange.ServiceDefaults.Hosting;
using Exchange.Gateway.Identity;
using Exchange.Gateway.Responses;
using Exchange.Gateway.Routing;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Exchange.Gateway;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section), o => o.Validate());
        builder.Services.AddSingleton<PartnerDirectory>();

        // The gateway hosts only its health service; every other gRPC call is proxied, not answered "unimplemented".
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(o => o.IgnoreUnknownServices = true);
        var (routes, clusters) = RouteTable.Build(builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions());
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        // A changed partner list swaps the whole route table at once.
        var provider = app.Services.GetRequiredService<InMemoryConfigProvider>();
        app.Services.GetRequiredService<IOptionsMonitor<GatewayOptions>>().OnChange(options =>
        {
            var (routes, clusters) = RouteTable.Build(options);
            provider.Update(routes, clusters);
        });

        // Identity first, routing after: routes match on the exchange-holder the middleware settles.
        app.UseMiddleware<CallerIdentityMiddleware>();
        app.UseRouting();
        app.MapReverseProxy();
        app.MapFallback(context => GrpcStatusResponse.WriteAsync(
            context, StatusCode.NotFound, ReasonCodes.UnknownHolder, "No service holds data for the named holder."));
        return app;
    }
}
