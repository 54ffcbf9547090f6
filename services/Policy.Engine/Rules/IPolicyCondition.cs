namespace Exchange.Policy.Engine.Rules;

/// <summary>
/// One requirement of a rule, hard denial or exception, evaluated against a request and its facts. Each kind is a
/// small sealed type with a stable <see cref="Id"/> (the key it is written with) and the reason code a rule's
/// denial carries when it is not met; the compiler builds them once per bundle, so evaluation allocates nothing.
/// </summary>
public interface IPolicyCondition
{
    /// <summary>The key of the condition in a bundle file, e.g. "involved".</summary>
    string Id { get; }

    /// <summary>The reason code of a category a rule does not release because this condition is not met.</summary>
    string ReasonCode { get; }

    /// <summary>True when break-glass may stand in for this condition, on a rule that allows break-glass.</summary>
    bool BreakGlassMayStandIn { get; }

    /// <summary>
    /// True when whether it holds depends on data about the subjects (their violence-type indication, whose side
    /// the recipient is on in the family): a requester is not told that this condition decided.
    /// </summary>
    bool RestsOnSubjectData => false;

    /// <summary>What must hold, for people: "the recipient has an active involvement with a subject".</summary>
    string Requirement { get; }

    bool IsMet(in ConditionContext context);
}
