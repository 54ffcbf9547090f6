namespace Exchange.Scenario;

/// <summary>The partners of the acceptance scenario (deploy/partners), and the GI that carries out the measures the court imposes.</summary>
public static class DemoPartners
{
    public const string Police = "politie-zwb";
    public const string VeiligThuis = "vt-mwb";
    public const string ChildProtection = "rvdk-zuidwest";
    public const string SocialTeam = "swt-tilburg";
    public const string YouthProtection = "jb-brabant";
}
