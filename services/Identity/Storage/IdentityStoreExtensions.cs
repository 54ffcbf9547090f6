using Microsoft.EntityFrameworkCore;

namespace Exchange.Identity.Storage;

public static class IdentityStoreExtensions
{
    /// <summary>SQLite by default (one file, local and tests); PostgreSQL in production.</summary>
    public static IServiceCollection AddIdentityStore(this IServiceCollection services, IdentityStoreOptions store)
    {
        services.AddDbContext<IdentityDbContext>(options =>
        {
            _ = store.Provider switch
            {
                IdentityStoreProvider.Postgres => options.UseNpgsql(store.ConnectionString),
                _ => options.UseSqlite(store.ConnectionString),
            };
            options.UseOpenIddict();
        });
        return services;
    }
}
