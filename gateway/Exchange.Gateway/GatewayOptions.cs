using Exchange.Contracts.V1;
using Exchange.Registry.Client.Snapshots;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Identity;

namespace Exchange.Gateway;

/// <summary>The partners the gateway admits, where each one's traffic goes, and the limits every call meets.</summary>
public sealed record GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// The partners, as configured, and when the gateway follows the registry, as the registry last said (settable
    /// only so that the registry's snapshot can be applied to a new options instance).
    /// </summary>
    public IReadOnlyList<PartnerRoute> Partners { get; set; } = [];

    /// <summary>The exchange's shared domain services: where a registered partner without a node of its own is served.</summary>
    public IReadOnlyList<SharedNode> SharedNodes { get; init; } = [];

    /// <summary>The index service: involvements and pseudonyms.</summary>
    public Uri? IndexAddress { get; init; }

    /// <summary>Other platform services by gRPC service name, e.g. ledger.v1.LedgerService → the policy service.</summary>
    public IReadOnlyList<PlatformRoute> PlatformRoutes { get; init; } = [];

    public RateLimitOptions RateLimit { get; init; } = new();

    /// <summary>Largest gRPC message the gateway forwards.</summary>
    public int MaxMessageBytes { get; init; } = ServiceDefaultsExtensions.MaxMessageBytes;

    public DeadlineOptions Deadlines { get; init; } = new();

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
            else if (!OrganisationIds.IsWellFormed(partner.Id))
            {
                yield return $"{Section}:Partners:{i}:Id '{partner.Id}' must be {OrganisationIds.Format}.";
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

        for (var i = 0; i < PlatformRoutes.Count; i++)
        {
            if (PlatformRoutes[i].Services.Count == 0 || PlatformRoutes[i].Address is null)
            {
                yield return $"{Section}:PlatformRoutes:{i} needs Services and an Address.";
            }
        }

        if (RateLimit.PermitsPerSecond <= 0 || RateLimit.Burst <= 0)
        {
            yield return $"{Section}:RateLimit:PermitsPerSecond and Burst must be positive.";
        }

        if (MaxMessageBytes <= 0 || MaxMessageBytes > ServiceDefaultsExtensions.MaxMessageBytes)
        {
            yield return $"{Section}:MaxMessageBytes must be positive and at most {ServiceDefaultsExtensions.MaxMessageBytes}.";
        }

        if (Deadlines.Default <= TimeSpan.Zero || Deadlines.Default > Deadlines.Max || Deadlines.Max > Deadlines.MaxStreaming)
        {
            yield return $"{Section}:Deadlines must satisfy 0 < Default <= Max <= MaxStreaming.";
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

    /// <summary>A partner-hosted node's registered server certificate (SHA-256, hex): the gateway accepts no other.</summary>
    public string? ServerCertificateSha256 { get; init; }

    public bool Suspended { get; init; }
}


/// <summary>gRPC services (by full name) that one platform service answers.</summary>
public sealed record PlatformRoute
{
    public IReadOnlyList<string> Services { get; init; } = [];

    public Uri? Address { get; init; }
}

/// <summary>A token bucket per partner organisation: a sustained rate and a burst on top.</summary>
public sealed record RateLimitOptions
{
    public int PermitsPerSecond { get; init; } = 50;

    public int Burst { get; init; } = 100;
}

/// <summary>
/// Every call gets a deadline: the caller's, capped, or the default when it sent none, so a stuck
/// call cannot hold a backend forever. Streams (the inbox) may stay open longer.
/// </summary>
public sealed record DeadlineOptions
{
    public TimeSpan Default { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Max { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan MaxStreaming { get; init; } = TimeSpan.FromMinutes(15);
}
