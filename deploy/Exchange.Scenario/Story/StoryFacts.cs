namespace Exchange.Scenario.Story;

/// <summary>What the story left in the exchange, for what comes after it (a test's further checks, the console's pages).</summary>
public sealed record StoryFacts(
    IReadOnlyList<string> Bsns,
    IReadOnlyDictionary<string, string[]> Pseudonyms,
    string HolderDecisionId,
    string DenialDecisionId,
    string ShelterBreakGlassDecisionId,
    string BreakGlassDecisionId)
{
    public const int Leo = 0, Nora = 1;

    public static IReadOnlyList<int> Children { get; } = [2, 3, 4];

    /// <summary>The family's pseudonyms at one organisation: Leo, Nora and the three children.</summary>
    public string[] Family(string organisationId) => Pseudonyms[organisationId];

    /// <summary>Nora and the children, who live together, at one organisation.</summary>
    public string[] Household(string organisationId) => [Family(organisationId)[Nora], .. Children.Select(c => Family(organisationId)[c])];
}
