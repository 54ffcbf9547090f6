using Exchange.Contracts.V1;

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
    [
        (Police, "Politie eenheid Zeeland-West-Brabant", Domain.Police),
        (VeiligThuis, "Veilig Thuis Midden- en West-Brabant", Domain.VeiligThuis),
        (ChildProtection, "Raad voor de Kinderbescherming regio Zuidwest", Domain.ChildProtection),
        (SocialTeam, "Sociaal wijkteam Tilburg", Domain.SocialTeam),
        (YouthProtection, "Jeugdbescherming Brabant", Domain.YouthProtection),
    ];
}
