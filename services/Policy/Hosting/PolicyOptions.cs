using Exchange.Contracts.V1;

namespace Exchange.Policy.Hosting;

/// <summary>Where the policy bundle is, and where the facts a decision depends on come from.</summary>
public sealed record PolicyOptions
{
    public const string Section = "Policy";

    /// <summary>The bundle directory; hot-reloaded when its files change.</summary>
    public string BundleDirectory { get; init; } = string.Empty;

    /// <summary>The index: involvements, case conferences, family facts.</summary>
    public Uri? IndexAddress { get; init; }

    public TimeSpan FactsDeadline { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The partners and their domains: as configured, and when the service follows the registry, as the registry
    /// last said (settable only so that the registry's snapshot can be applied to a new options instance).
    /// </summary>
    public IReadOnlyList<PolicyPartner> Partners { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(BundleDirectory) || !Directory.Exists(BundleDirectory))
        {
            yield return $"{Section}:BundleDirectory '{BundleDirectory}' is not a directory.";
        }

        if (IndexAddress is null)
        {
            yield return $"{Section}:IndexAddress is required: involvement facts decide disclosures.";
        }

        for (var i = 0; i < Partners.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Partners[i].Id) || Partners[i].Domain == Domain.Unspecified)
            {
                yield return $"{Section}:Partners:{i} needs an Id and a Domain.";
            }
        }
    }
}

public sealed record PolicyPartner
{
    public string Id { get; init; } = string.Empty;

    public Domain Domain { get; init; }
}
