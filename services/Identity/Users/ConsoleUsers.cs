using Exchange.Identity.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Exchange.Identity.Users;

/// <summary>
/// Console users: registration, and password checks with a lockout after repeated failures so that a
/// password cannot be guessed online.
/// </summary>
public sealed class ConsoleUsers(IdentityDbContext database, TimeProvider time)
{
    public const int MaxFailedLogins = 5;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    private static readonly PasswordHasher<ConsoleUser> Hasher = new();

    public async Task RegisterAsync(UserRegistration registration, CancellationToken cancellationToken)
    {
        var user = await database.Users.SingleOrDefaultAsync(u => u.UserName == registration.UserName, cancellationToken);
        if (user is null)
        {
            user = new ConsoleUser { UserName = registration.UserName };
            database.Users.Add(user);
        }

        user.DisplayName = string.IsNullOrEmpty(registration.DisplayName) ? registration.UserName : registration.DisplayName;
        user.OrganisationId = registration.OrganisationId;
        user.Scopes = string.Join(' ', registration.Scopes);
        var password = (await File.ReadAllTextAsync(registration.PasswordFile, cancellationToken)).Trim();
        if (string.IsNullOrEmpty(user.PasswordHash) || Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
        }

        await database.SaveChangesAsync(cancellationToken);
    }

    public Task<ConsoleUser?> FindAsync(string id, CancellationToken cancellationToken) =>
        database.Users.SingleOrDefaultAsync(u => u.Id == id && !u.Disabled, cancellationToken);

    /// <summary>The user when the password is right and the account is neither disabled nor locked; otherwise null.</summary>
    public async Task<ConsoleUser?> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var user = await database.Users.SingleOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        var now = time.GetUtcNow();
        if (user is null || user.Disabled || user.LockedUntil > now)
        {
            // Same work for an unknown user, so that timing does not tell which names exist.
            Hasher.VerifyHashedPassword(new ConsoleUser(), Hasher.HashPassword(new ConsoleUser(), "x"), password);
            return null;
        }

        if (Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            if (user.FailedLogins >= MaxFailedLogins)
            {
                user.LockedUntil = now + Lockout;
                user.FailedLogins = 0;
            }

            await database.SaveChangesAsync(cancellationToken);
            return null;
        }

        user.FailedLogins = 0;
        user.LockedUntil = null;
        await database.SaveChangesAsync(cancellationToken);
        return user;
    }
}
