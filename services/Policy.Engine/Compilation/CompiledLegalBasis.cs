using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Compilation;

/// <summary>A legal basis as masks, with the denial reasons it gives when it does not fit a request.</summary>
public sealed class CompiledLegalBasis
{
    private readonly DenialReason[] _notInvokableBy;
    private readonly DenialReason[] _notGivenTo;
    private readonly DenialReason[] _purposeNotCovered;
    private readonly DenialReason[] _categoryNotCovered;

    internal CompiledLegalBasis(LegalBasisDefinition definition, int index)
    {
        Definition = definition;
        Index = index;
        HolderMask = Masks.Of(definition.HolderDomains);
        RecipientMask = Masks.OfOrAll(definition.RecipientDomains, Vocabularies.Domains);
        PurposeMask = Masks.Of(definition.Purposes);
        CategoryMask = Masks.Of(definition.Categories) | Masks.Of(definition.SpecialCategories);
        SpecialCategoryMask = Masks.Of(definition.SpecialCategories);
        var title = $"legal basis '{definition.Id}' ({definition.Law} {definition.Article})";
        _notInvokableBy = Table(Vocabularies.Domains, d => new DenialReason(
            PolicyReasonCodes.BasisNotApplicable, string.Empty, $"{title} cannot be invoked by a holder of domain {Vocabularies.Domains.NameOf(d)}"));
        _notGivenTo = Table(Vocabularies.Domains, d => new DenialReason(
            PolicyReasonCodes.BasisNotApplicable, string.Empty, $"{title} gives to {Names(definition.RecipientDomains)} only, not to a recipient of domain {Vocabularies.Domains.NameOf(d)}"));
        NotAGround = new DenialReason(
            PolicyReasonCodes.BasisNotApplicable,
            string.Empty,
            definition.Kind == BasisKind.Agreement
                ? $"{title} records who takes part and for how long; it is not a legal ground to disclose on"
                : $"{title} is never a ground on its own; it is cited together with the provision it rests on");
        _purposeNotCovered = Table(Vocabularies.Purposes, p => new DenialReason(
            PolicyReasonCodes.PurposeNotCovered, string.Empty, $"{title} does not cover the purpose {Vocabularies.Purposes.NameOf(p)}"));
        _categoryNotCovered = Table(Vocabularies.Categories, c => new DenialReason(
            PolicyReasonCodes.CategoryNotCovered, string.Empty, $"{title} does not cover {Vocabularies.Categories.NameOf(c)}"));
    }

    public LegalBasisDefinition Definition { get; }

    public string Id => Definition.Id;

    internal int Index { get; }

    internal uint HolderMask { get; }

    /// <summary>The recipient domains the basis gives to: its direction with <see cref="HolderMask"/>.</summary>
    internal uint RecipientMask { get; }

    public BasisKind Kind => Definition.Kind;

    /// <summary>A right the giver weighs: a professional of the holder decides each request under it.</summary>
    public bool WeighedByHolder => Definition.WeighedByHolder;

    public bool IsGround => Definition.IsGround;

    /// <summary>The reason a request citing an addition or an agreement gets: it is no ground to disclose on.</summary>
    internal DenialReason NotAGround { get; }

    internal uint PurposeMask { get; }

    internal uint CategoryMask { get; }

    internal uint SpecialCategoryMask { get; }

    internal DenialReason NotInvokableBy(Domain domain) => _notInvokableBy[(int)domain];

    internal DenialReason NotGivenTo(Domain domain) => _notGivenTo[(int)domain];

    internal DenialReason PurposeNotCovered(Purpose purpose) => _purposeNotCovered[(int)purpose];

    internal DenialReason CategoryNotCovered(int category) => _categoryNotCovered[category];

    private static string Names(IReadOnlyList<Domain> domains) =>
        domains.Count == 0 ? "any domain" : string.Join(", ", domains.Select(Vocabularies.Domains.NameOf));

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
