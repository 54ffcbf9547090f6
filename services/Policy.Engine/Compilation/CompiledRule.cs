using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Evaluation;
using Exchange.Policy.Engine.Rules;

namespace Exchange.Policy.Engine.Compilation;

/// <summary>
/// A rule narrowed to what the law it cites allows: the direction of its legal basis and of every provision cited
/// with it (holder and recipient domains), the purposes they cover, and the categories its basis covers, a special
/// category (health, criminal-law data) under the AVG only with an addition that covers it and the national
/// provision that addition needs. A rule whose basis is no ground (an addition alone, a covenant), or that cites a
/// provision without its pair, releases nothing. What the rule lists beyond that can never be released;
/// <c>exchange policy check</c> reports it.
/// </summary>
public sealed class CompiledRule
{
    internal CompiledRule(RuleDefinition definition, CompiledLegalBasis basis, CompiledLegalBasis[] togetherWith, IPolicyCondition[] conditions)
    {
        Definition = definition;
        Basis = basis;
        TogetherWith = togetherWith;
        Conditions = conditions;
        var holders = Masks.Of(definition.Scope.Holders) & basis.HolderMask;
        var recipients = Masks.Of(definition.Scope.Recipients) & basis.RecipientMask;
        var purposes = Masks.Of(definition.Scope.Purposes) & basis.PurposeMask;
        foreach (var with in togetherWith)
        {
            holders &= with.HolderMask;
            recipients &= with.RecipientMask;
            purposes &= with.PurposeMask;
        }

        var lawful = basis.IsGround && PairsPresent();
        Scope = lawful ? new ScopeMasks(holders, recipients, purposes) : default;
        CategoryMask = lawful ? Masks.Of(definition.Categories) & basis.CategoryMask & ~UnpairedSpecialCategories() : 0;
        ConditionReasons = [.. conditions.Select(c => new DenialReason(c.ReasonCode, definition.Id, $"rule '{definition.Id}' requires that {c.Requirement}")
        {
            AgreementId = c is AgreementInForceCondition agreement ? agreement.Agreement.Id : string.Empty,
            RestsOnSubjectData = c.RestsOnSubjectData,
        })];
        Obligations = ObligationSet.From(definition.Obligations);
    }

    public RuleDefinition Definition { get; }

    public string Id => Definition.Id;

    public CompiledLegalBasis Basis { get; }

    /// <summary>The provisions cited with <see cref="Basis"/>, e.g. AVG art. 9(2)(g) and UAVG art. 30 for health data.</summary>
    public IReadOnlyList<CompiledLegalBasis> TogetherWith { get; }

    /// <summary>The ground and every provision cited with it.</summary>
    public IEnumerable<CompiledLegalBasis> CitedBases => TogetherWith.Prepend(Basis);

    /// <summary>Whether a basis that never stands alone is cited with one of the provisions it needs.</summary>
    public bool HasPair(CompiledLegalBasis cited) =>
        cited.Definition.OnlyWith.Count == 0 || cited.Definition.OnlyWith.Any(pair => CitedBases.Any(b => b.Id == pair.Id));

    /// <summary>
    /// The special categories of the ground that the rule may not release for want of an addition that covers them
    /// with its pair present. Police data under the Wpg need none: the Wpg's own provision is the specific ground.
    /// </summary>
    internal uint UnpairedSpecialCategories()
    {
        if (Basis.Definition.Regime == BasisRegime.Wpg)
        {
            return 0;
        }

        var paired = 0u;
        foreach (var with in TogetherWith)
        {
            if (with.Kind == BasisKind.Addition && HasPair(with))
            {
                paired |= with.SpecialCategoryMask;
            }
        }

        return Basis.SpecialCategoryMask & ~paired;
    }

    private bool PairsPresent() => CitedBases.All(HasPair);

    public bool BreakGlass => Definition.BreakGlass;

    public IReadOnlyList<IPolicyCondition> ConditionList => Conditions;

    internal IPolicyCondition[] Conditions { get; }

    /// <summary>The reason a category gets when the condition at the same index is the first one not met.</summary>
    internal DenialReason[] ConditionReasons { get; }

    /// <summary>The holder domains, recipient domains and purposes it applies to.</summary>
    internal ScopeMasks Scope { get; }

    internal uint CategoryMask { get; }

    internal ObligationSet Obligations { get; }
}

/// <summary>A situation a hard denial leaves alone, e.g. the police for ACUTE_SAFETY.</summary>
public sealed class CompiledScope
{
    internal CompiledScope(ScopeDefinition definition, IPolicyCondition[] conditions)
    {
        Definition = definition;
        Conditions = conditions;
        Scope = ScopeMasks.Of(definition);
    }

    public ScopeDefinition Definition { get; }

    internal IPolicyCondition[] Conditions { get; }

    /// <summary>The holder domains, recipient domains and purposes it applies to.</summary>
    internal ScopeMasks Scope { get; }

    internal bool Matches(in ConditionContext context, int purpose)
    {
        if (!Scope.Admits((int)context.Facts.HolderDomain, (int)context.Facts.RecipientDomain, purpose))
        {
            return false;
        }

        foreach (var condition in Conditions)
        {
            if (!condition.IsMet(context))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A hard denial, indexed by the holder, recipient and purpose it can apply to.</summary>
public sealed class CompiledHardDenial
{
    internal CompiledHardDenial(HardDenialDefinition definition, IPolicyCondition[] conditions, CompiledScope[] unless)
    {
        Definition = definition;
        Conditions = conditions;
        Unless = unless;
        Scope = ScopeMasks.Of(definition.Scope);
        CategoryMask = Masks.Of(definition.Categories);
        Reason = new DenialReason(
            definition.ReasonCode,
            definition.Id,
            definition.Description.Length > 0 ? $"hard denial '{definition.Id}': {definition.Description}" : $"hard denial '{definition.Id}'")
        {
            RestsOnSubjectData = conditions.Any(c => c.RestsOnSubjectData),
        };
    }

    public HardDenialDefinition Definition { get; }

    public string Id => Definition.Id;

    public IReadOnlyList<IPolicyCondition> ConditionList => Conditions;

    public IReadOnlyList<CompiledScope> Exceptions => Unless;

    internal IPolicyCondition[] Conditions { get; }

    internal CompiledScope[] Unless { get; }

    /// <summary>The holder domains, recipient domains and purposes it applies to.</summary>
    internal ScopeMasks Scope { get; }

    internal uint CategoryMask { get; }

    internal DenialReason Reason { get; }
}

/// <summary>Holder domains, recipient domains and purposes as masks: what the compiled tables are indexed by.</summary>
internal readonly record struct ScopeMasks(uint Holders, uint Recipients, uint Purposes)
{
    /// <summary>A written scope, where an empty list means any value.</summary>
    public static ScopeMasks Of(ScopeDefinition scope) => new(
        Masks.OfOrAll(scope.Holders, Vocabularies.Domains),
        Masks.OfOrAll(scope.Recipients, Vocabularies.Domains),
        Masks.OfOrAll(scope.Purposes, Vocabularies.Purposes));

    public bool Admits(int holder, int recipient, int purpose) =>
        Masks.Contains(Holders, holder) && Masks.Contains(Recipients, recipient) && Masks.Contains(Purposes, purpose);
}
