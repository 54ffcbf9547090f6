using System.Collections.Frozen;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Compilation;

/// <summary>
/// A validated bundle compiled to indexed tables: the rules and hard denials that can apply to a holder domain,
/// recipient domain, purpose and legal basis are one array lookup away, and every denial reason is built in
/// advance. Immutable, so the engine swaps whole snapshots on reload and a decision in flight keeps its bundle.
/// </summary>
public sealed class CompiledBundle
{
    /// <summary>Decisions record which rules decided as bits of a ulong, so no table cell may hold more.</summary>
    internal const int MaxPerCell = 64;

    internal static readonly int DomainSlots = Vocabularies.Domains.MaxNumber + 1;
    internal static readonly int PurposeSlots = Vocabularies.Purposes.MaxNumber + 1;
    internal static readonly int CategorySlots = Vocabularies.Categories.MaxNumber + 1;

    internal CompiledBundle(
        PolicyBundle definition,
        CompiledLegalBasis[] legalBases,
        CompiledRule[] rules,
        CompiledHardDenial[] hardDenials,
        CompiledRule[][] ruleCells,
        CompiledHardDenial[][] denialCells,
        DenialReason?[][] otherBasisReasons,
        DenialReason?[][] otherPurposeReasons,
        CompiledLegalBasis[][] candidateBases)
    {
        CandidateBases = candidateBases;
        Definition = definition;
        LegalBases = legalBases;
        Rules = rules;
        HardDenials = hardDenials;
        RuleCells = ruleCells;
        DenialCells = denialCells;
        OtherBasisReasons = otherBasisReasons;
        OtherPurposeReasons = otherPurposeReasons;
        BasisById = legalBases.ToFrozenDictionary(b => b.Id, StringComparer.Ordinal);
        DeclaredPurposeMask = Masks.Of(definition.Purposes.Select(p => p.Purpose));
        Partners = definition.Partners.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
    }

    public PolicyBundle Definition { get; }

    public string Id => Definition.Manifest.Id;

    public string Version => Definition.Manifest.Version;

    /// <summary>Hex SHA-256 over the bundle's files; see <see cref="BundleHasher"/>.</summary>
    public string Hash => Definition.Hash;

    public IReadOnlyList<CompiledLegalBasis> LegalBases { get; }

    public IReadOnlyList<CompiledRule> Rules { get; }

    public IReadOnlyList<CompiledHardDenial> HardDenials { get; }

    internal FrozenDictionary<string, CompiledLegalBasis> BasisById { get; }

    internal uint DeclaredPurposeMask { get; }

    internal FrozenDictionary<string, PartnerDefinition> Partners { get; }

    /// <summary>Candidates by (holder domain, recipient domain, purpose, legal basis), in bundle order.</summary>
    internal CompiledRule[][] RuleCells { get; }

    /// <summary>Hard denials by (holder domain, recipient domain, purpose).</summary>
    internal CompiledHardDenial[][] DenialCells { get; }

    /// <summary>By (holder, recipient, purpose), per category: the reason when only another legal basis releases it.</summary>
    internal DenialReason?[][] OtherBasisReasons { get; }

    /// <summary>By (holder, recipient), per category: the reason when it is released only for other purposes.</summary>
    internal DenialReason?[][] OtherPurposeReasons { get; }

    /// <summary>
    /// By (holder, recipient, purpose): the legal bases some rule releases under, in bundle order. When a requester
    /// cites no basis, each is tried; a basis that later declares who may give to whom, or for which kind of
    /// disclosure, narrows its rules and so this list, and selection follows without change.
    /// </summary>
    internal CompiledLegalBasis[][] CandidateBases { get; }

    /// <summary>The domain the bundle's partner list gives an organisation, or unspecified when it does not list it.</summary>
    public Domain DomainOf(string partnerId) => Partners.TryGetValue(partnerId, out var partner) ? partner.Domain : Domain.Unspecified;

    internal static int FlowIndex(int holder, int recipient) => (holder * DomainSlots) + recipient;

    internal static int FlowPurposeIndex(int holder, int recipient, int purpose) => (FlowIndex(holder, recipient) * PurposeSlots) + purpose;

    internal int CellIndex(int holder, int recipient, int purpose, int basis) =>
        (FlowPurposeIndex(holder, recipient, purpose) * LegalBases.Count) + basis;
}
