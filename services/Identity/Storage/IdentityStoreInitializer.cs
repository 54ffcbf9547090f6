using Exchange.Identity.Clients;
using Exchange.Identity.Keys;
using Exchange.Identity.Users;
using Microsoft.Extensions.Options;

namespace Exchange.Identity.Storage;

/// <summary>
/// Before the endpoint opens: creates the signing keys if there are none (generating RSA keys takes a
/// while; no token request should wait for it), creates the schema if it is missing, then registers the
/// configured clients and users, so that the launcher's partners can get tokens as soon as the service answers.
/// </summary>
public sealed class IdentityStoreInitializer(IServiceProvider services, SigningKeyRing keys, IOptions<IdentityOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        keys.Maintain();

        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        if (options.Value.Store.Provider == IdentityStoreProvider.Sqlite)
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.Value.Store.ConnectionString).DataSource;
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }
        }

        // Development and tests create the schema here; production applies reviewed migrations first
        // (see docs/threat-model.md), and then this is a no-op.
        await database.Database.EnsureCreatedAsync(cancellationToken);

        var clients = scope.ServiceProvider.GetRequiredService<ClientRegistrar>();
        foreach (var client in options.Value.Clients)
        {
            await clients.RegisterAsync(client, cancellationToken);
        }

        var users = scope.ServiceProvider.GetRequiredService<ConsoleUsers>();
        foreach (var user in options.Value.Users)
        {
            await users.RegisterAsync(user, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
