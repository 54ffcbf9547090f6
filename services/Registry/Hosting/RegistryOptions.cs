namespace Exchange.Registry.Hosting;

public enum RegistryStoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>Where the registry keeps its partners, where it records every change, and which CA it signs with.</summary>
public sealed record RegistryOptions
{
    public const string Section = "Registry";

    public RegistryStoreKind Store { get; init; } = RegistryStoreKind.Sqlite;

    public string SqlitePath { get; init; } = ".exchange/registry/registry.db";

    public string? PostgresConnectionString { get; init; }

    /// <summary>The disclosure ledger (ledger.v1, hosted by the policy service): no change is stored before it is recorded there.</summary>
    public Uri? LedgerAddress { get; init; }

    public TimeSpan LedgerDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The exchange CA in the layout of <c>exchange pki</c> (Exchange.Pki.PkiDirectory): it signs applicants'
    /// certificate requests, is the root supplied certificates must chain to, and publishes the CRL on revocation.
    /// </summary>
    public string PkiDirectory { get; init; } = string.Empty;

    /// <summary>How long a client certificate the registry signs is valid.</summary>
    public TimeSpan ClientCertificateValidity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How often a watch looks for changes another registry instance made (its own are signalled at once).</summary>
    public TimeSpan ChangePollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public IEnumerable<string> Validate()
    {
        switch (Store)
        {
            case RegistryStoreKind.Sqlite when string.IsNullOrWhiteSpace(SqlitePath):
                yield return $"{Section}:SqlitePath is required for the SQLite store.";
                break;
            case RegistryStoreKind.Postgres when string.IsNullOrWhiteSpace(PostgresConnectionString):
                yield return $"{Section}:PostgresConnectionString is required for the PostgreSQL store.";
                break;
            case RegistryStoreKind.Sqlite or RegistryStoreKind.Postgres:
                break;
            default:
                yield return $"{Section}:Store must be Sqlite or Postgres.";
                break;
        }

        if (LedgerAddress is null || !LedgerAddress.IsAbsoluteUri)
        {
            yield return $"{Section}:LedgerAddress is required: every registry change is recorded in the disclosure ledger first.";
        }

        if (string.IsNullOrWhiteSpace(PkiDirectory) || !File.Exists(Path.Combine(PkiDirectory, "ca.pem")))
        {
            yield return $"{Section}:PkiDirectory must name the exchange CA's directory (with ca.pem).";
        }

        if (LedgerDeadline <= TimeSpan.Zero || ChangePollInterval < TimeSpan.FromMilliseconds(100))
        {
            yield return $"{Section}:LedgerDeadline must be positive and ChangePollInterval at least 100 ms.";
        }

        if (ClientCertificateValidity < TimeSpan.FromDays(1) || ClientCertificateValidity > TimeSpan.FromDays(825))
        {
            yield return $"{Section}:ClientCertificateValidity must be between 1 and 825 days.";
        }
    }
}
