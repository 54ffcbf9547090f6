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
            : throw new FormatException($"unknown domain '{name}' (police, veilig-thuis, child-protection, social-team, youth-protection)");
}
