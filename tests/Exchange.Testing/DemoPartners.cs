using Exchange.Contracts.V1;
using Exchange.Topology;

namespace Exchange.Testing;

/// <summary>The partners of the acceptance scenario, and the GI that carries out the measures the court imposes.</summary>
public static class DemoPartners
{
    public const string Police = "politie-zwb";
    public const string VeiligThuis = "vt-mwb";
    public const string ChildProtection = "rvdk-zuidwest";
    public const string SocialTeam = "swt-tilburg";
    public const string YouthProtection = "jb-brabant";

    public static IReadOnlyList<(string Id, string Name, Domain Domain)> All { get; } =
        [.. ExchangeTopology.DemoPartners(Repository.Path("deploy", "partners")).Select(p => (p.Id, p.Name, p.Domain))];
}
