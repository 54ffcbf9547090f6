using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Compilation;

namespace Exchange.Policy.Decisions;

/// <summary>
/// A legal basis is the holder's ground for disclosing. A requester may cite one; a push or a coordination
/// notice has no requester, and a requester asking several holders at once cannot know each one's ground.
/// Then the basis is the one the bundle's own rules name for this flow and purpose: the exchange tries each
/// candidate and keeps the decision that releases most, so the basis in the ledger is the one that decided.
/// </summary>
public static class BasisSelection
{
    public static bool Needed(DecideRequest request) => string.IsNullOrEmpty(request.LegalBasis?.Id);

    public static (DecideRequest Request, PolicyDecision Decision) Decide(PolicyEngine engine, DecideRequest request, in DecisionFacts facts, DateTimeOffset now)
    {
        var bundle = engine.ActiveBundle;
        (DecideRequest Request, PolicyDecision Decision)? best = null;
        foreach (var basis in Candidates(bundle, facts.HolderDomain, facts.RecipientDomain, request.Purpose))
        {
            var attempt = WithBasis(request, basis);
            var decision = engine.Decide(attempt, facts, now);
            if (best is null || decision.Released.Count > best.Value.Decision.Released.Count)
            {
                best = (attempt, decision);
            }
        }

        if (best is { } chosen)
        {
            return chosen;
        }

        // No rule names this flow at all: decide under the first basis the holder may invoke, which denies
        // with the engine's own reason, so the refusal is recorded like any other.
        var holder = facts.HolderDomain;
        var fallback = bundle.LegalBases.FirstOrDefault(b => b.Definition.HolderDomains.Contains(holder)) ?? bundle.LegalBases[0];
        var denied = WithBasis(request, fallback.Id);
        return (denied, engine.Decide(denied, facts, now));
    }

    private static IEnumerable<string> Candidates(CompiledBundle bundle, Domain holder, Domain recipient, Purpose purpose) =>
        bundle.Rules
            .Where(r => r.Definition.Scope.Holders.Contains(holder)
                && r.Definition.Scope.Recipients.Contains(recipient)
                && r.Definition.Scope.Purposes.Contains(purpose))
            .Select(r => r.Basis.Id)
            .Distinct(StringComparer.Ordinal);

    private static DecideRequest WithBasis(DecideRequest request, string basis)
    {
        var copy = request.Clone();
        copy.LegalBasis = new LegalBasisRef { Id = basis };
        return copy;
    }
}
