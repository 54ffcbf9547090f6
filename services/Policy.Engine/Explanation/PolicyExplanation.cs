using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;

namespace Exchange.Policy.Engine.Explanation;

/// <summary>One rule's or hard denial's part in a decision. Outcome is one of <see cref="ExplanationOutcomes"/>.</summary>
public sealed record ExplanationStep(string RuleId, string Outcome, IReadOnlyList<DataCategory> Categories, string Reason);

/// <summary>The words a step's outcome is given in, as the ExplainResponse contract names them.</summary>
public static class ExplanationOutcomes
{
    public const string Permits = "permits";
    public const string Denies = "denies";
    public const string NotApplicable = "not applicable";
    public const string ConditionNotMet = "condition not met";
}

/// <summary>A readable account of one evaluation: the decision it produced, each step, and the same as text.</summary>
public sealed record PolicyExplanation(PolicyDecision Decision, IReadOnlyList<ExplanationStep> Steps, string Text)
{
    public void CopyTo(ExplainResponse response)
    {
        var decided = new DecideResponse();
        Decision.CopyTo(decided);
        response.Decision = decided.Decision;
        response.Released.AddRange(decided.Released);
        response.Denied.AddRange(decided.Denied);
        foreach (var step in Steps)
        {
            response.Steps.Add(new Contracts.Policy.V1.ExplanationStep { RuleId = step.RuleId, Outcome = step.Outcome, Categories = { step.Categories }, Reason = step.Reason });
        }

        response.Text = Text;
        response.BundleHash = Decision.BundleHash;
        response.LegalBasis = decided.LegalBasis;
    }
}
