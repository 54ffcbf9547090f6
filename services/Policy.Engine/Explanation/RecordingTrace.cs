using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Evaluation;
using Exchange.Policy.Engine.Rules;

namespace Exchange.Policy.Engine.Explanation;

/// <summary>Turns what the evaluator reports into explanation steps, in the order it evaluated them.</summary>
internal readonly struct RecordingTrace(List<ExplanationStep> steps) : IEvaluationTrace
{
    public List<ExplanationStep> Steps { get; } = steps;

    public void BreakGlassRefused() =>
        Steps.Add(new ExplanationStep(string.Empty, ExplanationOutcomes.Denies, [], DenialReason.BreakGlassNotAllowed.Explanation));

    public void HardDenial(CompiledHardDenial denial, TraceOutcome outcome, uint categories, IPolicyCondition? unmet, CompiledScope? exception)
    {
        var (word, reason) = outcome switch
        {
            TraceOutcome.Denies => (ExplanationOutcomes.Denies, $"{denial.Reason.ReasonCode}: {denial.Reason.Explanation}"),
            TraceOutcome.Excepted => (ExplanationOutcomes.NotApplicable, $"its exception applies ({ScopeText.Describe(exception!.Definition)})"),
            TraceOutcome.ConditionNotMet => (ExplanationOutcomes.NotApplicable, $"it applies only when {unmet!.Requirement}"),
            _ => (ExplanationOutcomes.NotApplicable, $"none of its categories ({Masks.CategoryNames(denial.CategoryMask)}) is requested"),
        };
        Steps.Add(new ExplanationStep(denial.Id, word, [.. Masks.Categories(categories)], reason));
    }

    public void Rule(CompiledRule rule, TraceOutcome outcome, uint categories, IPolicyCondition? unmet, bool byBreakGlass)
    {
        var basis = $"under legal basis '{rule.Basis.Id}'";
        var (word, reason) = outcome switch
        {
            TraceOutcome.Permits when byBreakGlass => (ExplanationOutcomes.Permits, $"{basis}, by break-glass standing in for: {unmet!.Requirement}"),
            TraceOutcome.Permits => (ExplanationOutcomes.Permits, basis),
            TraceOutcome.ConditionNotMet => (ExplanationOutcomes.ConditionNotMet, $"{unmet!.ReasonCode}: it requires that {unmet.Requirement}"),
            _ => (ExplanationOutcomes.NotApplicable, $"it releases {Masks.CategoryNames(rule.CategoryMask)}; none of these is requested, or each is hard-denied"),
        };
        Steps.Add(new ExplanationStep(rule.Id, word, [.. Masks.Categories(categories)], reason));
    }

    public void LeftToHolder(uint categories) =>
        Steps.Add(new ExplanationStep(
            string.Empty,
            ExplanationOutcomes.LeftToHolder,
            [.. Masks.Categories(categories)],
            "the legal basis is a right the holder weighs: a professional of the holder decides whether these are released"));
}
