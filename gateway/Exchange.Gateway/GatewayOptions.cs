using Exchange.Contracts.V1;

namespace Exchange.Gateway;

/// <summary>The partners the gateway admits and where each one's traffic goes.</summary>
public sealed record GatewayOptions
{
    public const string Section = "Gateway";

    public IReadOnlyList<PartnerRoute> Partners { get; init; } = [];

    /// <summary>The index service: involvements and pseudonyms.</summary>
    public Uri? IndexAddress { get; init; }

    public IEnumerable<string> Validate()
    {
        if (IndexAddress is null)
        {
            yield return $"{Section}:IndexAddress is required.";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Partners.Count; i++)
        {
            var partner = Partners[i];
            if (string.IsNullOrWhiteSpace(partner.Id))
            {
                yield return $"{Section}:Partners:{i}:Id is required.";
            }
            else if (!seen.Add(partner.Id))
            {
                yield return $"{Section}:Partners:{i}:Id '{partner.Id}' appears twice.";
            }

            if (partner.ServiceAddress is null)
            {
                yield return $"{Section}:Partners:{i}:ServiceAddress is required.";
            }

            if (partner.Domain == Domain.Unspecified)
            {
                yield return $"{Section}:Partners:{i}:Domain is required.";
            }
        }
    }
}

/// <summary>A partner organisation and the domain service that holds its data.</summary>
public sealed record PartnerRoute
{
    public string Id { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public Domain Domain { get; init; }

    public Uri? ServiceAddress { get; init; }

    public bool Suspended { get; init; }
}
