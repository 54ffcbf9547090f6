using Exchange.Contracts.Policy.V1;
using Exchange.Policy.Engine.Compilation;

namespace Exchange.Policy.Engine.Evaluation;

/// <summary>
/// A legal basis is the holder's ground for disclosing. A requester may cite one; a push or a notice has no
/// requester, and a requester asking several holders at once cannot know each one's ground. Then the request is
/// decided under each basis the bundle's rules release under for this holder domain, recipient domain and purpose
/// (<see cref="CompiledBundle.CandidateBases"/>), and the decision that releases most is kept; between denials, the
/// one whose rules came closest (the most specific reason), so the requester learns what it can act on. Ties go to
/// the basis listed first. The decision names the basis, and the ledger records it.
/// </summary>
internal static class BasisSelection
{
    public static PolicyDecision Choose(CompiledBundle bundle, DecideRequest request, in DecisionFacts facts, DateTimeOffset now, uint requested)
    {
        var trace = default(NoTrace);
        var candidates = bundle.CandidateBases[CompiledBundle.FlowPurposeIndex((int)facts.HolderDomain, (int)facts.RecipientDomain, (int)request.Purpose)];
        if (candidates.Length == 0)
        {
            // Nothing goes this way for this purpose under any basis: denied, with the reason the bundle gives.
            return PolicyEvaluator.Evaluate(bundle, request, facts, now, null, chosen: true, requested, ref trace);
        }

        PolicyDecision? best = null;
        foreach (var basis in candidates)
        {
            var decision = PolicyEvaluator.Evaluate(bundle, request, facts, now, basis, chosen: true, requested, ref trace);
            if (best is null || IsBetter(decision, best))
            {
                best = decision;
            }
        }

        return best!;
    }

    private static bool IsBetter(PolicyDecision candidate, PolicyDecision best) =>
        candidate.Released.Count != best.Released.Count
            ? candidate.Released.Count > best.Released.Count
            : candidate.Released.IsEmpty && PolicyReasonCodes.Specificity(candidate.ReasonCode) > PolicyReasonCodes.Specificity(best.ReasonCode);
}
