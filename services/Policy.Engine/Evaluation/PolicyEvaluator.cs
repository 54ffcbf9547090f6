using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Rules;

namespace Exchange.Policy.Engine.Evaluation;

/// <summary>
/// Decides one request against a compiled bundle. Default deny: only what a rule releases goes, minus what a hard
/// denial removes, and every other requested category gets one reason. The path is table lookups and bit
/// operations over the few rules indexed for the request; it allocates the <see cref="PolicyDecision"/> only.
/// </summary>
internal static class PolicyEvaluator
{
    /// <summary>Decides a request: under the legal basis it cites, or under the one <see cref="BasisSelection"/> chooses when it cites none.</summary>
    public static PolicyDecision Decide(CompiledBundle bundle, DecideRequest request, in DecisionFacts facts, DateTimeOffset now)
    {
        var cited = RequestValidator.Validate(bundle, request, facts, out var requested);
        if (cited is null)
        {
            return BasisSelection.Choose(bundle, request, facts, now, requested);
        }

        var trace = default(NoTrace);
        return Evaluate(bundle, request, facts, now, cited, chosen: false, requested, ref trace);
    }

    /// <summary>
    /// Decides a validated request under one legal basis (null: no rule names any basis for this flow and purpose).
    /// Each denied category gets the most specific reason any rule gives it; the decision's reason is the most
    /// specific among its denied categories (<see cref="PolicyReasonCodes.Order"/>).
    /// </summary>
    public static PolicyDecision Evaluate<TTrace>(
        CompiledBundle bundle, DecideRequest request, in DecisionFacts facts, DateTimeOffset now, CompiledLegalBasis? basis, bool chosen, uint requested, ref TTrace trace)
        where TTrace : struct, IEvaluationTrace
    {
        var context = new ConditionContext(request, facts, now);
        var holder = (int)facts.HolderDomain;
        var recipient = (int)facts.RecipientDomain;
        var purpose = (int)request.Purpose;
        var flowPurpose = CompiledBundle.FlowPurposeIndex(holder, recipient, purpose);
        var reasons = default(DenialBuffer);
        var breakGlass = request.BreakGlass is not null;
        var outcome = new DecisionBasis(basis, chosen);

        // Break-glass outside acute safety is a misuse to be seen in the ledger, not a malformed request.
        if (breakGlass && request.Purpose != Purpose.AcuteSafety)
        {
            trace.BreakGlassRefused();
            Fill(ref reasons, requested, DenialReason.BreakGlassNotAllowed);
            return new PolicyDecision(bundle, outcome, requested, 0, reasons, [], 0, [], 0, default, PolicyReasonCodes.BreakGlassNotAllowed, PolicyReasonCodes.BreakGlassNotAllowed, false);
        }

        var hardDenials = bundle.DenialCells[flowPurpose];
        var hardDenied = ApplyHardDenials(hardDenials, requested, context, purpose, ref reasons, out var fired, ref trace);

        var rules = basis is null ? [] : bundle.RuleCells[bundle.CellIndex(holder, recipient, purpose, basis.Index)];
        uint released = 0;
        uint withheld = 0;
        ulong decisive = 0;
        var obligations = default(ObligationSet);
        var usedBreakGlass = false;
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            var wanted = rule.CategoryMask & requested & ~hardDenied;
            if (wanted == 0)
            {
                trace.Rule(rule, TraceOutcome.NotRequested, 0, null, false);
                continue;
            }

            var unmet = FirstUnmet(rule, context, breakGlass && rule.BreakGlass, out var breakGlassMayStandIn);
            if (unmet < 0 || (breakGlass && rule.BreakGlass && breakGlassMayStandIn))
            {
                var byBreakGlass = unmet >= 0;
                released |= wanted;
                decisive |= 1UL << i;
                obligations = obligations.Merge(rule.Obligations);
                usedBreakGlass |= byBreakGlass;
                trace.Rule(rule, TraceOutcome.Permits, wanted, byBreakGlass ? rule.Conditions[unmet] : null, byBreakGlass);
                continue;
            }

            // The rule that came closest to releasing a category gives its reason: it names what is left to fix.
            KeepMostSpecific(ref reasons, wanted, rule.ConditionReasons[unmet]);
            withheld |= wanted;
            trace.Rule(rule, TraceOutcome.ConditionNotMet, wanted, rule.Conditions[unmet], false);
        }

        var denied = requested & ~released;
        for (var bits = denied; bits != 0; bits &= bits - 1)
        {
            var category = System.Numerics.BitOperations.TrailingZeroCount(bits);
            reasons[category] ??= ReasonWithoutRule(bundle, basis, holder, recipient, purpose, flowPurpose, category);
        }

        decisive |= RulesCitedIn(rules, ref reasons, denied & withheld & ~released);
        if (usedBreakGlass)
        {
            obligations = obligations.WithBreakGlass();
        }

        return new PolicyDecision(
            bundle,
            outcome,
            requested,
            released,
            reasons,
            rules,
            decisive,
            hardDenials,
            fired,
            released == 0 ? default : obligations,
            released == 0 ? MostSpecificReason(request, ref reasons, forRecipient: false) : string.Empty,
            released == 0 ? MostSpecificReason(request, ref reasons, forRecipient: true) : string.Empty,
            usedBreakGlass);
    }

    private static uint ApplyHardDenials<TTrace>(CompiledHardDenial[] denials, uint requested, in ConditionContext context, int purpose, ref DenialBuffer reasons, out ulong fired, ref TTrace trace)
        where TTrace : struct, IEvaluationTrace
    {
        uint denied = 0;
        fired = 0;
        for (var i = 0; i < denials.Length; i++)
        {
            var denial = denials[i];
            var hit = denial.CategoryMask & requested & ~denied;
            if (hit == 0)
            {
                trace.HardDenial(denial, TraceOutcome.NotRequested, 0, null, null);
                continue;
            }

            if (FirstUnmet(denial.Conditions, context) is { } unmet)
            {
                trace.HardDenial(denial, TraceOutcome.ConditionNotMet, hit, unmet, null);
                continue;
            }

            if (MatchingException(denial.Unless, context, purpose) is { } exception)
            {
                trace.HardDenial(denial, TraceOutcome.Excepted, hit, null, exception);
                continue;
            }

            Fill(ref reasons, hit, denial.Reason);
            denied |= hit;
            fired |= 1UL << i;
            trace.HardDenial(denial, TraceOutcome.Denies, hit, null, null);
        }

        return denied;
    }

    /// <summary>
    /// The index of the first unmet condition, or -1. When break-glass could apply, evaluation goes on past
    /// conditions it may stand in for, to learn whether one it may not stand in for also fails.
    /// </summary>
    private static int FirstUnmet(CompiledRule rule, in ConditionContext context, bool breakGlassPossible, out bool breakGlassMayStandIn)
    {
        var first = -1;
        breakGlassMayStandIn = true;
        var conditions = rule.Conditions;
        for (var i = 0; i < conditions.Length; i++)
        {
            var condition = conditions[i];
            if (condition.IsMet(context))
            {
                continue;
            }

            if (first < 0)
            {
                first = i;
            }

            breakGlassMayStandIn &= condition.BreakGlassMayStandIn;
            if (!breakGlassPossible || !breakGlassMayStandIn)
            {
                break;
            }
        }

        return first;
    }

    private static IPolicyCondition? FirstUnmet(IPolicyCondition[] conditions, in ConditionContext context)
    {
        foreach (var condition in conditions)
        {
            if (!condition.IsMet(context))
            {
                return condition;
            }
        }

        return null;
    }

    private static CompiledScope? MatchingException(CompiledScope[] exceptions, in ConditionContext context, int purpose)
    {
        foreach (var exception in exceptions)
        {
            if (exception.Matches(context, purpose))
            {
                return exception;
            }
        }

        return null;
    }

    /// <summary>
    /// The reason for a category no indexed rule spoke about, most useful first: another basis would release it,
    /// the basis does not fit the holder or purpose, only other purposes release it, the basis does not cover it.
    /// </summary>
    private static DenialReason ReasonWithoutRule(CompiledBundle bundle, CompiledLegalBasis? basis, int holder, int recipient, int purpose, int flowPurpose, int category) =>
        bundle.OtherBasisReasons[flowPurpose][category]
        ?? (basis is null ? bundle.OtherPurposeReasons[CompiledBundle.FlowIndex(holder, recipient)][category] ?? DenialReason.NoBasis
        : !Masks.Contains(basis.HolderMask, holder) ? basis.NotInvokableBy((Domain)holder)
        : !Masks.Contains(basis.PurposeMask, purpose) ? basis.PurposeNotCovered((Purpose)purpose)
        : bundle.OtherPurposeReasons[CompiledBundle.FlowIndex(holder, recipient)][category]
        ?? (!Masks.Contains(basis.CategoryMask, category) ? basis.CategoryNotCovered(category) : DenialReason.NoPermittingRule));

    /// <summary>The rules whose unmet condition is the reason a category was withheld.</summary>
    private static ulong RulesCitedIn(CompiledRule[] rules, ref DenialBuffer reasons, uint withheld)
    {
        ulong cited = 0;
        for (var bits = withheld; bits != 0; bits &= bits - 1)
        {
            var ruleId = reasons[System.Numerics.BitOperations.TrailingZeroCount(bits)]!.RuleId;
            for (var i = 0; i < rules.Length; i++)
            {
                if (ReferenceEquals(rules[i].Id, ruleId))
                {
                    cited |= 1UL << i;
                    break;
                }
            }
        }

        return cited;
    }

    /// <summary>
    /// The most specific reason among the denied categories, in request order when equal: the category that came
    /// closest to release tells the requester what to fix. For the recipient, a reason it may not be told counts
    /// as the least specific, so that what it can act on is named.
    /// </summary>
    private static string MostSpecificReason(DecideRequest request, ref DenialBuffer reasons, bool forRecipient)
    {
        DenialReason? best = null;
        var categories = request.Categories;
        for (var i = 0; i < categories.Count; i++)
        {
            if (reasons[(int)categories[i]] is not { } reason)
            {
                continue;
            }

            var told = forRecipient ? reason.ForRecipient : reason;
            if (best is null || told.Specificity > best.Specificity)
            {
                best = told;
            }
        }

        return best?.ReasonCode ?? PolicyReasonCodes.NoPermittingRule;
    }

    /// <summary>Gives each category <paramref name="reason"/> unless it already has one at least as specific.</summary>
    private static void KeepMostSpecific(ref DenialBuffer reasons, uint categories, DenialReason reason)
    {
        for (var bits = categories; bits != 0; bits &= bits - 1)
        {
            var category = System.Numerics.BitOperations.TrailingZeroCount(bits);
            if (reasons[category] is not { } known || reason.Specificity > known.Specificity)
            {
                reasons[category] = reason;
            }
        }
    }

    private static void Fill(ref DenialBuffer reasons, uint categories, DenialReason reason)
    {
        for (var bits = categories; bits != 0; bits &= bits - 1)
        {
            reasons[System.Numerics.BitOperations.TrailingZeroCount(bits)] = reason;
        }
    }
}
