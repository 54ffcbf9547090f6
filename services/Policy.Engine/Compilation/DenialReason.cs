namespace Exchange.Policy.Engine.Compilation;

/// <summary>
/// Why a category was not released: a stable reason code, the rule or hard denial that decided (empty when none
/// did) and a sentence for people. Built once per bundle, so a denial costs a reference, not a string.
/// </summary>
public sealed record DenialReason(string ReasonCode, string RuleId, string Explanation)
{
    internal static DenialReason NoPermittingRule { get; } = new(
        PolicyReasonCodes.NoPermittingRule,
        string.Empty,
        "no rule releases this category to this recipient for this purpose under this legal basis");

    internal static DenialReason BreakGlassNotAllowed { get; } = new(
        PolicyReasonCodes.BreakGlassNotAllowed,
        string.Empty,
        "break-glass may only be used for ACUTE_SAFETY; a request that invokes it for another purpose is denied whole");
}
