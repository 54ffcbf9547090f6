using Exchange.ServiceDefaults.Interceptors;
using Exchange.ServiceDefaults.Requests;
using Exchange.ServiceDefaults.Security;
using Exchange.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// table (<see cref="RpcPermissions"/>), then against the bounds its contract declares. Needs the
    /// <c>Tokens</c> section; the service does not start without it.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.AddServiceHosting(serviceName);
        builder.Services.AddValidatedOptions<TokenOptions>(builder.Configuration.GetSection(TokenOptions.Section), o => o.Validate());
        builder.Services.AddSingleton<AccessTokenValidator>();
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc =>
        {
            grpc.Interceptors.Add<CallerAuthorizationInterceptor>();
            grpc.Interceptors.Add<ContractLimitsInterceptor>();
        });
        return builder;
    }

    /// <summary>
    /// Hosting only, for the one service that issues tokens instead of checking them (identity) and
    /// serves no partner RPC.
    /// </summary>
    public static WebApplicationBuilder AddServiceHosting(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddValidatedOptions<EndpointOptions>(builder.Configuration.GetSection(EndpointOptions.Section), o => o.Validate());

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

        // Every failure is answered as a status, in every environment (see UnhandledFailures).
        builder.Services.AddSingleton<UnhandledFailures>();
        builder.Services.AddSingleton<IStartupFilter>(p => p.GetRequiredService<UnhandledFailures>());
        builder.Services.AddSingleton<IDeveloperPageExceptionFilter>(p => p.GetRequiredService<UnhandledFailures>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<ParentProcessWatch>();

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        QuietFrameworkLogs(builder);
        builder.AddTelemetry(serviceName);
        return builder;
    }

    /// <summary>
    /// Health, reflection, and the check of every request message before a handler sees it (see
    /// <see cref="RequestMessageGate"/>).
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseMiddleware<RequestMessageGate>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>Framework categories that log every call at Information (see <see cref="QuietFrameworkLogs"/>).</summary>
    private static readonly string[] ChattyFrameworkCategories = ["Microsoft.AspNetCore", "System.Net.Http.HttpClient", "Yarp", "Grpc"];

    /// <summary>
    /// ASP.NET Core writes four Information lines per call, HttpClient four per outgoing call and YARP two per hop:
    /// under load that was nearly all a service wrote (about 8 KB per disclosure across the processes), and writing
    /// it cost CPU in every service and in the launcher that keeps their logs. These categories start at Warning,
    /// so failures still show; a configured level (Logging:LogLevel:&lt;category&gt;) still wins. Startup lines
    /// (Microsoft.Hosting.Lifetime) and the exchange's own logs are unchanged.
    /// </summary>
    private static void QuietFrameworkLogs(WebApplicationBuilder builder)
    {
        foreach (var category in ChattyFrameworkCategories)
        {
            if (builder.Configuration[$"Logging:LogLevel:{category}"] is null)
            {
                builder.Logging.AddFilter(category, LogLevel.Warning);
            }
        }
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

        if (builder.Configuration["Telemetry:TraceFile"] is { Length: > 0 } traceFile)
        {
            builder.Services.AddSingleton(new TraceFileExporter(traceFile));
            builder.Services.AddHostedService<TraceFileActivation>();
        }
    }

    /// <summary>Resolves the trace-file exporter at start so it listens from the first request on.</summary>
    private sealed class TraceFileActivation(TraceFileExporter exporter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = exporter;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
