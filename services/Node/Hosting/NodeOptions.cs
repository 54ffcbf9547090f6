using Exchange.Contracts.V1;

namespace Exchange.Node.Hosting;

/// <summary>What a domain service hosts and whom it talks to.</summary>
public sealed record NodeOptions
{
    public const string Section = "Node";

    /// <summary>The organisations whose data this service holds, e.g. ["politie-zwb"].</summary>
    public IReadOnlyList<string> Organisations { get; init; } = [];

    /// <summary>Where the SQLite signal store and the data-protection key ring live (not needed with PostgreSQL).</summary>
    public string DataDirectory { get; init; } = string.Empty;

    /// <summary>A PEM certificate (and <see cref="KeyRingKeyPath"/>) that encrypts the Data Protection keys at rest; optional.</summary>
    public string? KeyRingCertificatePath { get; init; }

    public string? KeyRingKeyPath { get; init; }

    /// <summary>The policy service (which also hosts the ledger).</summary>
    public Uri? PolicyAddress { get; init; }

    /// <summary>The index service: involvements, routing, pseudonym translation.</summary>
    public Uri? IndexAddress { get; init; }

    /// <summary>How long a decision may take before the disclosure fails closed.</summary>
    public TimeSpan PolicyDeadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a request left to the holder (a right the holder weighs) waits for one of its professionals before
    /// it expires, releasing nothing, and the requester is told.
    /// </summary>
    public TimeSpan HolderDecisionTimeout { get; init; } = TimeSpan.FromDays(5);

    /// <summary>How often the node looks for requests left to the holder whose time is up.</summary>
    public TimeSpan HolderDecisionSweep { get; init; } = TimeSpan.FromMinutes(1);

    public IEnumerable<string> Validate(Exchange.Storage.StoreProvider store = Exchange.Storage.StoreProvider.Sqlite)
    {
        if (Organisations.Count == 0)
        {
            yield return $"{Section}:Organisations must name at least one hosted organisation.";
        }

        if (store == Exchange.Storage.StoreProvider.Sqlite && string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{Section}:DataDirectory is required.";
        }

        if (PolicyAddress is null)
        {
            yield return $"{Section}:PolicyAddress is required: no disclosure without a decision.";
        }

        if (IndexAddress is null)
        {
            yield return $"{Section}:IndexAddress is required: signals are routed through the index.";
        }

        if (PolicyDeadline <= TimeSpan.Zero)
        {
            yield return $"{Section}:PolicyDeadline must be positive.";
        }

        if (HolderDecisionTimeout <= TimeSpan.Zero || HolderDecisionSweep <= TimeSpan.Zero)
        {
            yield return $"{Section}:HolderDecisionTimeout and {Section}:HolderDecisionSweep must be positive.";
        }
    }
}

/// <summary>The domain a node serves and the payload package it accepts; fixed per service in code.</summary>
public sealed record NodeDomain(Domain Domain, string PayloadPackage);
