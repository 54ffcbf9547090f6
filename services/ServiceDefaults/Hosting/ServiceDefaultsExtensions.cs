using Exchange.ServiceDefaults.Interceptors;
using Exchange.ServiceDefaults.Security;
using Exchange.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>
/// What every exchange service does the same way: endpoint, gRPC, health, reflection, telemetry, and
/// the authorization of every call against a validated, certificate-bound access token.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Largest message a service accepts; payloads are case signals, not documents.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>
    /// Hosting and caller authorization: every partner RPC is checked against its token and the rule
    /// table (<see cref="RpcPermissions"/>). Needs the <c>Tokens</c> section; the service does not start without it.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.AddServiceHosting(serviceName);
        builder.Services.AddOptions<TokenOptions>()
            .Bind(builder.Configuration.GetSection(TokenOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>();
        builder.Services.AddSingleton<AccessTokenValidator>();
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.Interceptors.Add<CallerAuthorizationInterceptor>());
        return builder;
    }

    /// <summary>
    /// Hosting only, for the one service that issues tokens instead of checking them (identity) and
    /// serves no partner RPC.
    /// </summary>
    public static WebApplicationBuilder AddServiceHosting(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddOptions<EndpointOptions>()
            .Bind(builder.Configuration.GetSection(EndpointOptions.Section))
            .Validate(o => !o.Validate().Any(), "Endpoint options are invalid")
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<EndpointOptions>, EndpointOptionsValidator>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<EndpointOptions>>().Value;
            KestrelEndpoint.Listen(kestrel, options);
            kestrel.Limits.MaxRequestBodySize = MaxMessageBytes + 1024;
        });

        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ExceptionInterceptor>();
            grpc.MaxReceiveMessageSize = MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy());

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.AddTelemetry(serviceName);
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    private static void AddTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(ExchangeTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.RecordException = false))
            .WithMetrics(metrics => metrics
                .AddMeter(ExchangeTelemetry.Name)
                .AddAspNetCoreInstrumentation());

        // Export only where a collector is configured; locally traces still propagate (W3C) and reach the ledger.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
    }

    private sealed class EndpointOptionsValidator : IValidateOptions<EndpointOptions>
    {
        public ValidateOptionsResult Validate(string? name, EndpointOptions options) => Result(options.Validate());
    }

    private sealed class TokenOptionsValidator : IValidateOptions<TokenOptions>
    {
        public ValidateOptionsResult Validate(string? name, TokenOptions options) => Result(options.Validate());
    }

    private static ValidateOptionsResult Result(IEnumerable<string> failures)
    {
        var list = failures.ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }
}
