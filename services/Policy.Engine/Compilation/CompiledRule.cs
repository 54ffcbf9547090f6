using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Evaluation;
using Exchange.Policy.Engine.Rules;

namespace Exchange.Policy.Engine.Compilation;

/// <summary>
/// A rule narrowed to what its legal basis allows: holder domains the basis may be invoked by, purposes and
/// categories it covers. What the rule lists beyond that can never be released; <c>exchange policy check</c> reports it.
/// </summary>
public sealed class CompiledRule
{
    internal CompiledRule(RuleDefinition definition, CompiledLegalBasis basis, IPolicyCondition[] conditions)
    {
        Definition = definition;
        Basis = basis;
        Conditions = conditions;
        Scope = new ScopeMasks(
            Masks.Of(definition.Scope.Holders) & basis.HolderMask,
            Masks.Of(definition.Scope.Recipients),
            Masks.Of(definition.Scope.Purposes) & basis.PurposeMask);
        CategoryMask = Masks.Of(definition.Categories) & basis.CategoryMask;
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
