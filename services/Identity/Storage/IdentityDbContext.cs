using Microsoft.EntityFrameworkCore;

namespace Exchange.Identity.Storage;

/// <summary>Clients, scopes, tokens (OpenIddict's entities) and console users, in one database.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public DbSet<ConsoleUser> Users => Set<ConsoleUser>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<ConsoleUser>(user =>
        {
            user.ToTable("ConsoleUsers");
            user.HasKey(u => u.Id);
            user.HasIndex(u => u.UserName).IsUnique();
            user.Property(u => u.UserName).HasMaxLength(100);
            user.Property(u => u.OrganisationId).HasMaxLength(100);
        });
    }
}
