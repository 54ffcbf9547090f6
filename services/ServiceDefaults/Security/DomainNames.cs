using Exchange.Contracts.V1;

namespace Exchange.ServiceDefaults.Security;

/// <summary>The names of the domains as partner files and tokens write them.</summary>
public static class DomainNames
{
    private static readonly (Domain Domain, string Name)[] Names =
    [
        (Domain.Police, "police"),
        (Domain.VeiligThuis, "veilig-thuis"),
        (Domain.ChildProtection, "child-protection"),
        (Domain.SocialTeam, "social-team"),
        (Domain.YouthProtection, "youth-protection"),
    ];

    /// <summary>Every domain's name, in the order partner files, the CLI and the schema list them.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Select(n => n.Name)];

    /// <summary>The names for an error message, e.g. "police, veilig-thuis, ... or social-team".</summary>
    public static string Listed { get; } = $"{string.Join(", ", All.SkipLast(1))} or {All[^1]}";

    public static string ToName(Domain domain) =>
        Names.FirstOrDefault(n => n.Domain == domain).Name
        ?? throw new ArgumentOutOfRangeException(nameof(domain), domain, "no name for this domain");

    public static bool TryParse(string? name, out Domain domain)
    {
        foreach (var (candidate, text) in Names)
        {
            if (string.Equals(text, name, StringComparison.Ordinal))
            {
                domain = candidate;
                return true;
            }
        }

        domain = Domain.Unspecified;
        return false;
    }

    public static Domain Parse(string name) =>
        TryParse(name, out var domain)
            ? domain
            : throw new FormatException($"unknown domain '{name}' ({Listed})");
}
