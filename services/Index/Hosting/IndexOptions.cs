using Exchange.Contracts.V1;
using Exchange.Registry.Client.Snapshots;

namespace Exchange.Index.Hosting;

/// <summary>Where the index keeps its data and how it reaches partners' inboxes and the policy service.</summary>
public sealed record IndexOptions
{
    public const string Section = "Index";

    /// <summary>Where the SQLite store lives (not needed with PostgreSQL).</summary>
    public string DataDirectory { get; init; } = string.Empty;

    public Uri? PolicyAddress { get; init; }

    public TimeSpan CallDeadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Settable only so that the registry's snapshot can be applied to a new options instance.</summary>
    public IReadOnlyList<IndexPartner> Partners { get; set; } = [];

    /// <summary>The exchange's shared domain services, for registered partners without a node of their own.</summary>
    public IReadOnlyList<SharedNode> SharedNodes { get; init; } = [];

    /// <summary>Scores this far apart (or more) make two current assessments of a family divergent.</summary>
    public uint DivergenceThreshold { get; init; } = 3;

    public IEnumerable<string> Validate(Exchange.Storage.StoreProvider store = Exchange.Storage.StoreProvider.Sqlite)
    {
        if (store == Exchange.Storage.StoreProvider.Sqlite && string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{Section}:DataDirectory is required.";
        }

        if (PolicyAddress is null)
        {
            yield return $"{Section}:PolicyAddress is required: lookups and notifications are decided disclosures.";
        }

        for (var i = 0; i < Partners.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Partners[i].Id) || Partners[i].Domain == Domain.Unspecified || Partners[i].NodeAddress is null)
            {
                yield return $"{Section}:Partners:{i} needs Id, Domain and NodeAddress.";
            }
        }
    }
}

/// <summary>A partner, its domain, and the domain service that holds its data and inbox.</summary>
public sealed record IndexPartner
{
    public string Id { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public Domain Domain { get; init; }

    public Uri? NodeAddress { get; init; }
}

