using Exchange.ServiceDefaults.Security;

namespace Exchange.Identity;

/// <summary>The identity service: who it is (issuer), where it keeps clients, users and keys, and whom it knows.</summary>
public sealed record IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The issuer URL tokens name and validators fetch keys from, e.g. "https://127.0.0.1:7405/".</summary>
    public Uri? Issuer { get; init; }

    public IdentityStoreOptions Store { get; init; } = new();

    /// <summary>Where the signing and encryption keys live (owner-only files).</summary>
    public string KeysDirectory { get; init; } = string.Empty;

    /// <summary>Access tokens are short-lived: a stolen one is also bound to a certificate it cannot use.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one signing key signs before the next (published in advance) takes over.</summary>
    public TimeSpan SigningKeyRotation { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long a key stays published after it stops signing; must exceed the token lifetime.</summary>
    public TimeSpan SigningKeyOverlap { get; init; } = TimeSpan.FromDays(2);

    /// <summary>How often the key ring is checked for a due rotation.</summary>
    public TimeSpan KeyCheckInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Clients registered (or updated) at start: partner systems, the console.</summary>
    public IReadOnlyList<ClientRegistration> Clients { get; init; } = [];

    /// <summary>Console users registered (or updated) at start.</summary>
    public IReadOnlyList<UserRegistration> Users { get; init; } = [];

    public IEnumerable<string> Validate()
    {
        if (Issuer is null || !Issuer.IsAbsoluteUri || Issuer.Scheme != Uri.UriSchemeHttps || !Issuer.AbsolutePath.EndsWith('/'))
        {
            yield return $"{Section}:Issuer must be an absolute https URL ending in '/'.";
        }

        if (string.IsNullOrWhiteSpace(KeysDirectory))
        {
            yield return $"{Section}:KeysDirectory is required.";
        }

        if (AccessTokenLifetime <= TimeSpan.Zero || AccessTokenLifetime > TimeSpan.FromHours(1))
        {
            yield return $"{Section}:AccessTokenLifetime must be positive and at most an hour.";
        }

        if (SigningKeyRotation <= TimeSpan.Zero || SigningKeyOverlap <= AccessTokenLifetime || KeyCheckInterval <= TimeSpan.Zero)
        {
            yield return $"{Section}:SigningKeyRotation and KeyCheckInterval must be positive, and SigningKeyOverlap longer than AccessTokenLifetime.";
        }

        foreach (var failure in Store.Validate())
        {
            yield return failure;
        }

        for (var i = 0; i < Clients.Count; i++)
        {
            foreach (var failure in Clients[i].Validate())
            {
                yield return $"{Section}:Clients:{i}: {failure}";
            }
        }

        for (var i = 0; i < Users.Count; i++)
        {
            foreach (var failure in Users[i].Validate())
            {
                yield return $"{Section}:Users:{i}: {failure}";
            }
        }
    }
}

/// <summary>Where clients, users and tokens are stored: SQLite by default, PostgreSQL in production.</summary>
public sealed record IdentityStoreOptions
{
    public IdentityStoreProvider Provider { get; init; } = IdentityStoreProvider.Sqlite;

    public string ConnectionString { get; init; } = string.Empty;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{IdentityOptions.Section}:Store:ConnectionString is required.";
        }
    }
}

public enum IdentityStoreProvider
{
    Sqlite,
    Postgres,
}

/// <summary>What kind of client a registration is.</summary>
public enum ClientKind
{
    /// <summary>An organisational system: client credentials, authenticated by its certificate or a JWT signed with its key; tokens bound to the certificate.</summary>
    System,

    /// <summary>The privacy officers' web console: a public client, authorization code with PKCE, for users.</summary>
    Console,
}

/// <summary>A client as the exchange registers it.</summary>
public sealed record ClientRegistration
{
    public string ClientId { get; init; } = string.Empty;

    public ClientKind Kind { get; init; } = ClientKind.System;

    public string DisplayName { get; init; } = string.Empty;

    /// <summary>The organisation the client acts for; its certificate's CN must be this.</summary>
    public string OrganisationId { get; init; } = string.Empty;

    /// <summary>police, veilig-thuis, child-protection, youth-protection or social-team.</summary>
    public string Domain { get; init; } = string.Empty;

    /// <summary>PEM certificates the client may authenticate with (tls_client_auth) and whose keys may sign its client assertions (private_key_jwt).</summary>
    public IReadOnlyList<string> CertificatePaths { get; init; } = [];

    /// <summary>Certificates as PEM text, as the partner registry holds them; used like <see cref="CertificatePaths"/>.</summary>
    public IReadOnlyList<string> CertificatePems { get; init; } = [];

    /// <summary>The scopes the client may ask for; only what its role needs.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Console only: where the authorization response may go.</summary>
    public IReadOnlyList<Uri> RedirectUris { get; init; } = [];

    /// <summary>An exchange service's own client: its role (NODE, INDEX, POLICY, GATEWAY, REGISTRY, CONSOLE, IDENTITY).</summary>
    public string? ServiceRole { get; init; }

    /// <summary>A node's client: the organisations whose data it holds, the only holders it may decide and log for.</summary>
    public IReadOnlyList<string> ActsFor { get; init; } = [];

    /// <summary>Shorter token lifetime for this client than the service default (e.g. a high-risk integration).</summary>
    public TimeSpan? AccessTokenLifetime { get; init; }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return "ClientId is required.";
        }

        if (Kind == ClientKind.System)
        {
            // An exchange service's own client has a role instead of a domain: it acts for no domain of its own.
            if (string.IsNullOrWhiteSpace(OrganisationId) || (ServiceRole is null && !DomainNames.TryParse(Domain, out _)))
            {
                yield return "a system client needs OrganisationId and a Domain (police, veilig-thuis, child-protection, youth-protection, social-team), or a ServiceRole.";
            }

            if (CertificatePaths.Count == 0 && CertificatePems.Count == 0)
            {
                yield return "a system client needs at least one certificate: its tokens are bound to it.";
            }

            if (ServiceRole is not null && ServiceRoles.Parse(ServiceRole) == Contracts.V1.ServiceRole.Unspecified)
            {
                yield return $"unknown service role '{ServiceRole}'.";
            }

            foreach (var path in CertificatePaths.Where(p => !File.Exists(p)))
            {
                yield return $"certificate '{path}' does not exist.";
            }
        }
        else if (RedirectUris.Count == 0)
        {
            yield return "a console client needs RedirectUris.";
        }

        foreach (var scope in Scopes.Where(s => !IdentityScopes.Known.Contains(s)))
        {
            yield return $"unknown scope '{scope}'.";
        }
    }
}

/// <summary>A console user (privacy officer) as the exchange registers it.</summary>
public sealed record UserRegistration
{
    public string UserName { get; init; } = string.Empty;

    public string DisplayName { get; init; } = string.Empty;

    public string OrganisationId { get; init; } = string.Empty;

    /// <summary>A file holding the initial password (development); production users come from the organisation's IdP.</summary>
    public string PasswordFile { get; init; } = string.Empty;

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrWhiteSpace(OrganisationId))
        {
            yield return "UserName and OrganisationId are required.";
        }

        if (string.IsNullOrWhiteSpace(PasswordFile) || !File.Exists(PasswordFile))
        {
            yield return "PasswordFile must name an existing file.";
        }

        foreach (var scope in Scopes.Where(s => !IdentityScopes.Known.Contains(s)))
        {
            yield return $"unknown scope '{scope}'.";
        }
    }
}
