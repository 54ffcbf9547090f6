using Exchange.Contracts.Policy.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Evaluation;

namespace Exchange.Policy.Tests.Support;

/// <summary>Decides on a given compiled bundle, as the engine does on its active one.</summary>
internal static class PolicyEvaluatorAccess
{
    public static PolicyDecision Decide(CompiledBundle bundle, DecideRequest request, DecisionFacts facts, DateTimeOffset now) =>
        PolicyEvaluator.Decide(bundle, request, facts, now);
}
