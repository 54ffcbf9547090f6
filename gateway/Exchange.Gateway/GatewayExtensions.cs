using Exchange.Gateway.Identity;
using Exchange.Gateway.Limits;
using Exchange.Gateway.Responses;
using Exchange.Gateway.Routing;
using Exchange.Gateway.Security;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Exchange.Gateway;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section), o => o.Validate());
        // No switch turns this off: partners reach the gateway over TLS with a certificate of the exchange CA, or not at all.
        builder.Services.AddOptions<EndpointOptions>()
            .Validate(e => e.IsHttps && e.RequireClientCertificate, "The gateway must listen on https and require client certificates.");
        builder.Services.AddSingleton<PartnerDirectory>();
        builder.Services.AddSingleton(provider =>
        {
            var endpoint = provider.GetRequiredService<IOptions<EndpointOptions>>().Value;
            return TrustStore.Load(
                endpoint.ClientCaPath ?? throw new InvalidOperationException("Endpoint:ClientCaPath is required: the gateway admits partners by certificate."),
                endpoint.ClientRevocationListPath);
        });
        // The gateway answers only its own health service; any other gRPC path is for the proxy, not for
        // ASP.NET Core gRPC's "unimplemented service" answer.
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.IgnoreUnknownServices = true);
        var options = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.Services.AddPartnerRateLimiting(options.RateLimit);
        var (routes, clusters) = RouteTable.Build(options);
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }

    /// <summary>
    /// The request path, in order: verified identity from the certificate (inbound identity headers
    /// dropped), the partner's rate limit, the token and the rule table, the message size, the deadline,
    /// and only then the proxy.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        // A changed partner list swaps the whole route table at once.
        var provider = app.Services.GetRequiredService<InMemoryConfigProvider>();
        app.Services.GetRequiredService<IOptionsMonitor<GatewayOptions>>().OnChange(options =>
        {
            var (routes, clusters) = RouteTable.Build(options);
            provider.Update(routes, clusters);
        });

        app.UseMiddleware<CallerIdentityMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<GatewayAuthorizationMiddleware>();
        app.UseMiddleware<MessageSizeMiddleware>();
        app.UseMiddleware<DeadlineMiddleware>();
        // Identity first, routing after: routes match on the exchange-holder the identity middleware settles.
        app.UseRouting();
        app.MapReverseProxy();
        app.MapFallback(context => GrpcStatusResponse.WriteAsync(
            context, StatusCode.NotFound, ReasonCodes.UnknownHolder, "No service holds data for the named holder."));
        return app;
    }
}
