using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Rules;

namespace Exchange.Policy.Engine.Analysis;

public enum FindingKind
{
    /// <summary>No request can ever be permitted by the rule.</summary>
    RuleNeverFires,

    /// <summary>The rule lists holders, purposes or categories its legal basis does not cover; those parts never apply.</summary>
    RuleExceedsLegalBasis,

    /// <summary>Everything the rule could release is removed by hard denials.</summary>
    RuleShadowedByHardDenial,

    /// <summary>No rule can release the category for any purpose.</summary>
    CategoryNeverReleased,

    /// <summary>No rule uses the legal basis.</summary>
    LegalBasisUnused,
}

/// <summary>Something in a bundle that is legal to write but cannot mean what its author intended.</summary>
public sealed record AnalysisFinding(FindingKind Kind, string Subject, string Message, SourceLocation Location)
{
    /// <summary>The finding kind as printed: "rule-never-fires".</summary>
    public string Code => string.Concat(Kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));

    public override string ToString() => $"{Location}: {Code}: {Message}";
}

/// <summary>
/// The static analysis behind <c>exchange policy check</c>: rules that can never fire, rules that go beyond their
/// legal basis, rules whose every release a hard denial removes, categories no purpose can release, and legal
/// bases no rule uses. Works on the compiled bundle, so it reasons about exactly what evaluation will do.
/// </summary>
public static class BundleAnalyzer
{
    public static IReadOnlyList<AnalysisFinding> Analyze(CompiledBundle bundle, DateTimeOffset now)
    {
        var findings = new List<AnalysisFinding>();
        var live = new List<CompiledRule>();
        foreach (var rule in bundle.Rules)
        {
            if (WhyNeverFires(bundle, rule, now) is { } never)
            {
                findings.Add(new AnalysisFinding(FindingKind.RuleNeverFires, rule.Id, $"rule '{rule.Id}' can never fire: {never}", rule.Definition.Location));
                continue;
            }

            live.Add(rule);
            if (Excess(rule) is { Count: > 0 } excess)
            {
                findings.Add(new AnalysisFinding(FindingKind.RuleExceedsLegalBasis, rule.Id, $"rule '{rule.Id}' lists what legal basis '{rule.Basis.Id}' does not cover, which it never releases: {string.Join("; ", excess)}", rule.Definition.Location));
            }

            if (!Tuples(rule).Any(t => !IsShadowed(bundle, rule, t.Holder, t.Recipient, t.Purpose, t.Category)))
            {
                findings.Add(new AnalysisFinding(FindingKind.RuleShadowedByHardDenial, rule.Id, $"rule '{rule.Id}' is fully shadowed: hard denials remove everything it could release", rule.Definition.Location));
            }
        }

        foreach (var category in Vocabularies.Categories.Values)
        {
            var releasable = live.Any(rule => Tuples(rule).Any(t => t.Category == (int)category && !IsShadowed(bundle, rule, t.Holder, t.Recipient, t.Purpose, t.Category)));
            if (!releasable)
            {
                findings.Add(new AnalysisFinding(FindingKind.CategoryNeverReleased, Vocabularies.Categories.NameOf(category), $"no rule can release {Vocabularies.Categories.NameOf(category)} for any purpose", bundle.Definition.Manifest.Location));
            }
        }

        foreach (var basis in bundle.LegalBases.Where(b => !bundle.Rules.Any(r => r.Basis == b)))
        {
            findings.Add(new AnalysisFinding(FindingKind.LegalBasisUnused, basis.Id, $"no rule uses legal basis '{basis.Id}'", basis.Definition.Location));
        }

        return findings;
    }

    private static string? WhyNeverFires(CompiledBundle bundle, CompiledRule rule, DateTimeOffset now)
    {
        var basis = $"legal basis '{rule.Basis.Id}'";
        if (rule.Scope.Holders == 0)
        {
            return $"{basis} cannot be invoked by any of its holder domains";
        }

        if (rule.Scope.Purposes == 0)
        {
            return $"{basis} covers none of its purposes";
        }

        if (rule.CategoryMask == 0)
        {
            return $"{basis} covers none of its categories";
        }

        foreach (var agreement in rule.Conditions.OfType<AgreementInForceCondition>())
        {
            var id = agreement.Agreement.Id;
            if (agreement.Agreement.ValidTo is { } end && end <= now)
            {
                return $"agreement '{id}' ended on {end:yyyy-MM-dd}";
            }

            if (!SignedByDomain(bundle, agreement, rule.Scope.Holders))
            {
                return $"no partner of its holder domains signed agreement '{id}'";
            }

            if (!SignedByDomain(bundle, agreement, rule.Scope.Recipients))
            {
                return $"no partner of its recipient domains signed agreement '{id}'";
            }
        }

        return null;
    }

    private static bool SignedByDomain(CompiledBundle bundle, AgreementInForceCondition agreement, uint domains) =>
        bundle.Definition.Partners.Any(p => Masks.Contains(domains, (int)p.Domain) && agreement.IsSignedBy(p.Id));

    private static List<string> Excess(CompiledRule rule)
    {
        var excess = new List<string>();
        var definition = rule.Definition;
        AddExcess(excess, "holder domains", definition.Scope.Holders.Where(d => !Masks.Contains(rule.Scope.Holders, (int)d)).Select(Vocabularies.Domains.NameOf));
        AddExcess(excess, "purposes", definition.Scope.Purposes.Where(p => !Masks.Contains(rule.Scope.Purposes, (int)p)).Select(Vocabularies.Purposes.NameOf));
        AddExcess(excess, "categories", definition.Categories.Where(c => !Masks.Contains(rule.CategoryMask, (int)c)).Select(Vocabularies.Categories.NameOf));
        return excess;
    }

    private static void AddExcess(List<string> excess, string what, IEnumerable<string> names)
    {
        var list = names.ToList();
        if (list.Count > 0)
        {
            excess.Add($"{what} {string.Join(", ", list)}");
        }
    }

    private static IEnumerable<(int Holder, int Recipient, int Purpose, int Category)> Tuples(CompiledRule rule) =>
        from h in Masks.Numbers(rule.Scope.Holders)
        from r in Masks.Numbers(rule.Scope.Recipients)
        from p in Masks.Numbers(rule.Scope.Purposes)
        from c in Masks.Numbers(rule.CategoryMask)
        select (h, r, p, c);

    /// <summary>
    /// True when some hard denial certainly removes the category whenever the rule could release it for this holder,
    /// recipient and purpose: its own conditions follow from the rule's, and none of its exceptions could apply.
    /// </summary>
    private static bool IsShadowed(CompiledBundle bundle, CompiledRule rule, int holder, int recipient, int purpose, int category) =>
        bundle.HardDenials.Any(denial =>
            Masks.Contains(denial.CategoryMask, category)
            && denial.Scope.Admits(holder, recipient, purpose)
            && Implies(rule.Definition.Scope, denial.Definition.Scope)
            && !denial.Unless.Any(u => MayMatch(u, rule.Definition.Scope, holder, recipient, purpose)));

    /// <summary>Whenever a request meets the rule's scope, it meets the denial's (beyond domains and purpose).</summary>
    private static bool Implies(ScopeDefinition rule, ScopeDefinition denial)
    {
        var (r, d) = (rule.When, denial.When);
        return Within(rule.RecipientRoles, denial.RecipientRoles, StringComparer.OrdinalIgnoreCase)
            && Within(rule.Kinds, denial.Kinds, EqualityComparer<DisclosureKind>.Default)
            && Within(r.ViolenceTypes, d.ViolenceTypes, EqualityComparer<Contracts.V1.ViolenceType>.Default)
            && (!d.Involved || r.Involved)
            && (!d.CaseConference || r.CaseConference)
            && (d.Agreement is null || r.Agreement?.Id == d.Agreement.Id)
            && (!d.ActingForOtherParent || r.ActingForOtherParent)
            && (!d.JointSession || r.JointSession);
    }

    /// <summary>An exception could apply to some request the rule permits: nothing in the rule's scope rules it out.</summary>
    private static bool MayMatch(CompiledScope exception, ScopeDefinition rule, int holder, int recipient, int purpose) =>
        exception.Scope.Admits(holder, recipient, purpose)
        && Overlap(rule.RecipientRoles, exception.Definition.RecipientRoles, StringComparer.OrdinalIgnoreCase)
        && Overlap(rule.Kinds, exception.Definition.Kinds, EqualityComparer<DisclosureKind>.Default)
        && Overlap(rule.When.ViolenceTypes, exception.Definition.When.ViolenceTypes, EqualityComparer<Contracts.V1.ViolenceType>.Default);

    /// <summary>A restriction (empty = any) is implied when the inner list names only values the outer allows.</summary>
    private static bool Within<T>(IReadOnlyList<T> inner, IReadOnlyList<T> outer, IEqualityComparer<T> comparer) =>
        outer.Count == 0 || (inner.Count > 0 && inner.All(i => outer.Contains(i, comparer)));

    private static bool Overlap<T>(IReadOnlyList<T> a, IReadOnlyList<T> b, IEqualityComparer<T> comparer) =>
        a.Count == 0 || b.Count == 0 || a.Any(x => b.Contains(x, comparer));
}
