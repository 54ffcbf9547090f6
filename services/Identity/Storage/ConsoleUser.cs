namespace Exchange.Identity.Storage;

/// <summary>A person who logs in to the privacy officers' console. No personal data beyond a display name.</summary>
public sealed class ConsoleUser
{
    public string Id { get; set; } = Guid.CreateVersion7().ToString();

    public string UserName { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    public string OrganisationId { get; set; } = string.Empty;

    public string PasswordHash { get; set; } = string.Empty;

    /// <summary>Space-separated scopes the user may grant the console.</summary>
    public string Scopes { get; set; } = string.Empty;

    public bool Disabled { get; set; }

    public int FailedLogins { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }
}
