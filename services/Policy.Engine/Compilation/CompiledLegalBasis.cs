using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Compilation;

/// <summary>A legal basis as masks, with the denial reasons it gives when it does not fit a request.</summary>
public sealed class CompiledLegalBasis
{
    private readonly DenialReason[] _notInvokableBy;
    private readonly DenialReason[] _purposeNotCovered;
    private readonly DenialReason[] _categoryNotCovered;

    internal CompiledLegalBasis(LegalBasisDefinition definition, int index)
    {
        Definition = definition;
        Index = index;
        HolderMask = Masks.Of(definition.HolderDomains);
        PurposeMask = Masks.Of(definition.Purposes);
        CategoryMask = Masks.Of(definition.Categories) | Masks.Of(definition.SpecialCategories);
        SpecialCategoryMask = Masks.Of(definition.SpecialCategories);
        var title = $"legal basis '{definition.Id}' ({definition.Law} {definition.Article})";
        _notInvokableBy = Table(Vocabularies.Domains, d => new DenialReason(
            PolicyReasonCodes.BasisNotApplicable, string.Empty, $"{title} cannot be invoked by a holder of domain {Vocabularies.Domains.NameOf(d)}"));
        _purposeNotCovered = Table(Vocabularies.Purposes, p => new DenialReason(
            PolicyReasonCodes.PurposeNotCovered, string.Empty, $"{title} does not cover the purpose {Vocabularies.Purposes.NameOf(p)}"));
        _categoryNotCovered = Table(Vocabularies.Categories, c => new DenialReason(
            PolicyReasonCodes.CategoryNotCovered, string.Empty, $"{title} does not cover {Vocabularies.Categories.NameOf(c)}"));
    }

    public LegalBasisDefinition Definition { get; }

    public string Id => Definition.Id;

    internal int Index { get; }

    internal uint HolderMask { get; }

    internal uint PurposeMask { get; }

    internal uint CategoryMask { get; }

    internal uint SpecialCategoryMask { get; }

    internal DenialReason NotInvokableBy(Domain domain) => _notInvokableBy[(int)domain];

    internal DenialReason PurposeNotCovered(Purpose purpose) => _purposeNotCovered[(int)purpose];

    internal DenialReason CategoryNotCovered(int category) => _categoryNotCovered[category];

    private static DenialReason[] Table<TEnum>(Vocabulary<TEnum> vocabulary, Func<TEnum, DenialReason> reason)
        where TEnum : struct, Enum
    {
        var table = new DenialReason[vocabulary.MaxNumber + 1];
        for (var n = 0; n <= vocabulary.MaxNumber; n++)
        {
            table[n] = reason((TEnum)Enum.ToObject(typeof(TEnum), n));
        }

        return table;
    }
}
