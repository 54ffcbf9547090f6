using Exchange.Gateway.Discovery;
using Exchange.Gateway.Identity;
using Exchange.Gateway.Limits;
using Exchange.Gateway.Protocol;
using Exchange.Gateway.Routing;
using Exchange.Gateway.Security;
using Exchange.Gateway.Streams;
using Exchange.Registry.Client.Following;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Grpc.AspNetCore.HealthChecks;
using Grpc.Core;
using Grpc.Reflection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Exchange.Gateway;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section), o => o.Validate());
        builder.Services.FollowRegistry<GatewayOptions>(builder.Configuration, RegistryPartners.Apply);
        builder.Services.AddSingleton<Yarp.ReverseProxy.Forwarder.IForwarderHttpClientFactory, NodeConnections>();
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
        builder.Services.AddSingleton<OpenStreams>();
        builder.Services.AddHostedService(p => p.GetRequiredService<OpenStreams>());

        // The gateway answers its own health and reflection services; any other gRPC path is for the proxy,
        // not for ASP.NET Core gRPC's "unimplemented service" answer.
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.IgnoreUnknownServices = true);
        var options = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        AddDiscovery(builder.Services, options);
        builder.Services.AddPartnerRateLimiting(options.RateLimit);
        var (routes, clusters) = RouteTable.Build(options);
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        return builder;
    }

    /// <summary>
    /// The request path, in order: only gRPC, verified identity from the certificate (inbound identity headers
    /// dropped), the partner's rate limit, the token and the rule table, the message size, the deadline, the
    /// stream guard, and only then the gateway's own services (health, reflection) or the proxy.
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

        app.UseMiddleware<ProtocolGateMiddleware>();
        app.UseMiddleware<CallerIdentityMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<GatewayAuthorizationMiddleware>();
        app.UseMiddleware<MessageSizeMiddleware>();
        app.UseMiddleware<DeadlineMiddleware>();
        app.UseMiddleware<StreamGuardMiddleware>();
        // Identity first, routing after: routes match on the exchange-holder the authorization settles.
        app.UseRouting();
        app.MapGrpcReflectionService();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ForwardingFailures));
        app.MapReverseProxy(proxy =>
        {
            proxy.Use((context, next) => ForwardingFailures.AnswerAsync(context, next, logger));
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        app.MapFallback(context => GrpcStatusWriter.WriteAsync(context, RpcErrors.Status(
            StatusCode.Unimplemented, ReasonCodes.RpcNotExposed, "This gateway does not route that service.")));
        return app;
    }

    /// <summary>
    /// Reflection lists the public services (never an internal one) for any authenticated partner, so that
    /// buf curl, grpcurl and Postman discover the API; health reports each public service by name.
    /// </summary>
    private static void AddDiscovery(IServiceCollection services, GatewayOptions options)
    {
        var publicServices = PublicServices.Of(options);
        // Google's error model too, so that a client discovering the API can also read the details of a refusal.
        var files = SymbolRegistry.FromFiles([
            .. publicServices.Select(s => s.File).Distinct(),
            Google.Rpc.StatusReflection.Descriptor,
            Google.Rpc.ErrorDetailsReflection.Descriptor]);
        var names = publicServices.Select(s => s.FullName).ToList();
        services.Replace(ServiceDescriptor.Singleton(new ReflectionServiceImpl(names, files)));
        services.Replace(ServiceDescriptor.Singleton(new ReflectionV1ServiceImpl(names, files)));

        services.AddSingleton<DestinationProbes>();
        var health = services.AddHealthChecks();
        foreach (var service in publicServices.Select(s => s.FullName))
        {
            health.Add(new HealthCheckRegistration(
                service,
                p => new PublicServiceHealthCheck(service, p.GetRequiredService<DestinationProbes>(), p.GetRequiredService<IOptionsMonitor<GatewayOptions>>()),
                HealthStatus.Unhealthy,
                [service]));
        }

        services.Configure<GrpcHealthChecksOptions>(o =>
        {
            foreach (var service in publicServices.Select(s => s.FullName))
            {
                o.Services.Map(service, r => r.Name == service);
            }
        });
    }
}
