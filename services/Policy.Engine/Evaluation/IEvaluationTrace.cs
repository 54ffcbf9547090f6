using System.Runtime.CompilerServices;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Rules;

namespace Exchange.Policy.Engine.Evaluation;

/// <summary>What happened to one rule or hard denial during an evaluation.</summary>
internal enum TraceOutcome
{
    /// <summary>None of its categories was requested (or all were already hard-denied).</summary>
    NotRequested,

    /// <summary>A hard denial removed categories.</summary>
    Denies,

    /// <summary>A rule released categories.</summary>
    Permits,

    /// <summary>A condition was not met, so it did nothing.</summary>
    ConditionNotMet,

    /// <summary>A hard denial's exception matched, so it did nothing.</summary>
    Excepted,
}

/// <summary>
/// Observes an evaluation. Decide runs with <see cref="NoTrace"/>, a struct whose empty methods the JIT removes,
/// so the one evaluator serves both Decide and Explain and the two can never disagree.
/// </summary>
internal interface IEvaluationTrace
{
    void BreakGlassRefused();

    void HardDenial(CompiledHardDenial denial, TraceOutcome outcome, uint categories, IPolicyCondition? unmet, CompiledScope? exception);

    void Rule(CompiledRule rule, TraceOutcome outcome, uint categories, IPolicyCondition? unmet, bool byBreakGlass);

    /// <summary>What the rules would release waits for a professional of the holder: the basis is a right the holder weighs.</summary>
    void LeftToHolder(uint categories);
}

internal struct NoTrace : IEvaluationTrace
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void BreakGlassRefused()
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void HardDenial(CompiledHardDenial denial, TraceOutcome outcome, uint categories, IPolicyCondition? unmet, CompiledScope? exception)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Rule(CompiledRule rule, TraceOutcome outcome, uint categories, IPolicyCondition? unmet, bool byBreakGlass)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void LeftToHolder(uint categories)
    {
    }
}
