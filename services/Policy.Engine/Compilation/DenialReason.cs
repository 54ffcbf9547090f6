namespace Exchange.Policy.Engine.Compilation;

/// <summary>
/// Why a category was not released: a stable reason code, the rule or hard denial that decided (empty when none
/// did), a sentence for people, and the agreement a rule needs when that is the reason. Built once per bundle, so
/// a denial costs a reference, not a string.
/// </summary>
public sealed record DenialReason(string ReasonCode, string RuleId, string Explanation)
{
    internal static DenialReason NoPermittingRule { get; } = new(
        PolicyReasonCodes.NoPermittingRule,
        string.Empty,
        "no rule releases this category to this recipient for this purpose under this legal basis");

    internal static DenialReason NoBasis { get; } = new(
        PolicyReasonCodes.NoPermittingRule,
        string.Empty,
        "no rule releases anything from the holder's domain to the recipient's domain for this purpose");

    internal static DenialReason BreakGlassNotAllowed { get; } = new(
        PolicyReasonCodes.BreakGlassNotAllowed,
        string.Empty,
        "break-glass may only be used for ACUTE_SAFETY; a request that invokes it for another purpose is denied whole");

    /// <summary>What a recipient is told of a reason that rests on data about the subjects.</summary>
    internal static DenialReason NotReleasedInThisCase { get; } = new(
        PolicyReasonCodes.NotReleasedInThisCase,
        string.Empty,
        "the holder may not release this category to you in this case; the reason rests on data about the people concerned, and is recorded in the ledger for the privacy officers");

    /// <summary>The agreement a rule needs, when its not being in force is the reason; otherwise empty.</summary>
    public string AgreementId { get; init; } = string.Empty;

    /// <summary>
    /// True when the reason follows from data about the subjects (their violence-type indication, the other
    /// parent's side): telling it to the recipient would disclose that data.
    /// </summary>
    public bool RestsOnSubjectData { get; init; }

    /// <summary>See <see cref="PolicyReasonCodes.Specificity"/>.</summary>
    public int Specificity { get; } = PolicyReasonCodes.Specificity(ReasonCode);

    /// <summary>The reason as the recipient may be told it.</summary>
    public DenialReason ForRecipient => RestsOnSubjectData ? NotReleasedInThisCase : this;
}
