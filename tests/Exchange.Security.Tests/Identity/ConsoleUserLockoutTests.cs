using Exchange.Identity;
using Exchange.Identity.Storage;
using Exchange.Identity.Users;
using Exchange.Security.Tests.Support;
using Exchange.Testing;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Security.Tests.Identity;

/// <summary>A console password cannot be guessed online: repeated failures lock the account for a while.</summary>
public sealed class ConsoleUserLockoutTests
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one_until_the_lockout_ends()
    {
        using var directory = new TempDirectory("console-users");
        var options = new DbContextOptionsBuilder<IdentityDbContext>().UseSqlite($"Data Source={directory.File("identity.db")}").UseOpenIddict().Options;
        await using var database = new IdentityDbContext(options);
        await database.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var users = new ConsoleUsers(database, clock);
        var passwordFile = directory.File("password.txt");
        await File.WriteAllTextAsync(passwordFile, "correct horse battery staple", TestContext.Current.CancellationToken);
        await users.RegisterAsync(new UserRegistration { UserName = "fg.vt-mwb", OrganisationId = "vt-mwb", PasswordFile = passwordFile }, TestContext.Current.CancellationToken);

        for (var i = 0; i < ConsoleUsers.MaxFailedLogins; i++)
        {
            Assert.Null(await users.CheckPasswordAsync("fg.vt-mwb", "guess " + i, TestContext.Current.CancellationToken));
        }

        Assert.Null(await users.CheckPasswordAsync("fg.vt-mwb", "correct horse battery staple", TestContext.Current.CancellationToken));
        clock.Advance(ConsoleUsers.Lockout + TimeSpan.FromSeconds(1));
        Assert.NotNull(await users.CheckPasswordAsync("fg.vt-mwb", "correct horse battery staple", TestContext.Current.CancellationToken));
    }
}
