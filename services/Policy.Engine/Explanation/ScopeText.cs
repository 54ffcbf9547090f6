using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Explanation;

/// <summary>A scope in words: "recipient POLICE, purpose ACUTE_SAFETY".</summary>
internal static class ScopeText
{
    public static string Describe(ScopeDefinition scope)
    {
        var parts = new List<string>();
        Add(parts, "holder", scope.Holders.Select(Vocabularies.Domains.NameOf));
        Add(parts, "recipient", scope.Recipients.Select(Vocabularies.Domains.NameOf));
        Add(parts, "role", scope.RecipientRoles);
        Add(parts, "purpose", scope.Purposes.Select(Vocabularies.Purposes.NameOf));
        Add(parts, "kind", scope.Kinds.Select(Vocabularies.Kinds.NameOf));
        return parts.Count == 0 ? "always" : string.Join(", ", parts);
    }

    private static void Add(List<string> parts, string what, IEnumerable<string> values)
    {
        var list = values.ToList();
        if (list.Count > 0)
        {
            parts.Add($"{what} {string.Join(" or ", list)}");
        }
    }
}
