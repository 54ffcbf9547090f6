using Exchange.Contracts.Ledger.V1;
using Exchange.Registry.Certificates;
using Exchange.Registry.Changes;
using Exchange.Registry.Grpc;
using Exchange.Registry.Hosting;
using Exchange.Registry.Registrations;
using Exchange.Registry.Security;
using Exchange.Registry.Storage;
using Exchange.ServiceDefaults.Clients;
using Exchange.ServiceDefaults.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Exchange.Registry;

public static class RegistryServiceExtensions
{
    /// <summary>
    /// The registry: its store (SQLite or PostgreSQL), the registration workflow, the CA it signs with, and the
    /// ledger every change is recorded in. Administrators connect directly with their client certificates, so
    /// the registry's endpoint must be https and require them; it does not start otherwise.
    /// </summary>
    public static WebApplicationBuilder AddRegistryService(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<RegistryOptions>(builder.Configuration.GetSection(RegistryOptions.Section), o => o.Validate());
        services.AddSingleton<IValidateOptions<EndpointOptions>>(new ValidateOptions<EndpointOptions>(null, o => o.IsHttps && o.RequireClientCertificate,
            "The registry is reached directly by administrators: Endpoint:Url must be https with Endpoint:RequireClientCertificate=true."));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IRegistryStore>(p =>
        {
            var options = p.GetRequiredService<IOptions<RegistryOptions>>().Value;
            return options.Store == RegistryStoreKind.Postgres
                ? new PostgresRegistryStore(options.PostgresConnectionString!)
                : new SqliteRegistryStore(options.SqlitePath);
        });
        services.AddHostedService<StoreInitialization>();
        services.AddSingleton<RegistrationWorkflow>();
        services.AddSingleton<PartnerCertificates>();
        services.AddSingleton<RegistryLedger>();
        services.AddSingleton<RegistryChanges>();
        services.AddSingleton<Administrators>();
        static RegistryOptions Options(IServiceProvider p) => p.GetRequiredService<IOptions<RegistryOptions>>().Value;
        services.AddExchangeClient<LedgerService.LedgerServiceClient>(p => Options(p).LedgerAddress!, p => Options(p).LedgerDeadline);
        return builder;
    }

    public static WebApplication MapRegistryService(this WebApplication app)
    {
        app.UseMiddleware<ConnectionIdentityMiddleware>();
        app.MapGrpcService<RegistryGrpcService>();
        return app;
    }

    /// <summary>Creates the tables before the first call; the registry does not start without its store.</summary>
    private sealed class StoreInitialization(IRegistryStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
