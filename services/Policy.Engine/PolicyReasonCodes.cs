namespace Exchange.Policy.Engine;

/// <summary>
/// The stable reason codes of policy decisions, carried in <c>CategoryDenial.reason_code</c> and
/// <c>DecideResponse.reason_code</c>. Partners program against these strings: never rename one, only add.
/// The first three have the same spelling as <c>Exchange.ServiceDefaults.Errors.ReasonCodes</c>.
/// </summary>
public static class PolicyReasonCodes
{
    /// <summary>No rule releases the category to this recipient for this purpose under this legal basis.</summary>
    public const string NoPermittingRule = "NO_PERMITTING_RULE";

    /// <summary>The purpose is not one for which this category may go from the holder to the recipient, or the legal basis does not cover it.</summary>
    public const string PurposeNotCovered = "PURPOSE_NOT_COVERED";

    /// <summary>A hard denial removed the category; no permission overrides it.</summary>
    public const string HardDenial = "HARD_DENIAL";

    /// <summary>The legal basis cited cannot be invoked by the holder's domain, or the rules release the category under another basis.</summary>
    public const string BasisNotApplicable = "BASIS_NOT_APPLICABLE";

    /// <summary>The legal basis cited does not cover the category.</summary>
    public const string CategoryNotCovered = "CATEGORY_NOT_COVERED";

    /// <summary>The rule needs an active involvement of the recipient with a subject, and there is none.</summary>
    public const string NoActiveInvolvement = "NO_ACTIVE_INVOLVEMENT";

    /// <summary>The rule needs the recipient to take part in a case conference about a subject.</summary>
    public const string NotInCaseConference = "NOT_IN_CASE_CONFERENCE";

    /// <summary>The rule needs an agreement both holder and recipient signed, in force at the time of the request.</summary>
    public const string AgreementNotInForce = "AGREEMENT_NOT_IN_FORCE";

    /// <summary>The rule applies only to other violence-type indications than the case's.</summary>
    public const string ViolenceTypeNotCovered = "VIOLENCE_TYPE_NOT_COVERED";

    /// <summary>The rule applies only when the recipient acts for the other parent.</summary>
    public const string NotActingForOtherParent = "NOT_ACTING_FOR_OTHER_PARENT";

    /// <summary>The rule applies only to data for a joint session with both partners.</summary>
    public const string NotAJointSession = "NOT_A_JOINT_SESSION";

    /// <summary>The rule is limited to other roles than the acting professional's.</summary>
    public const string RecipientRoleNotPermitted = "RECIPIENT_ROLE_NOT_PERMITTED";

    /// <summary>The rule is limited to other kinds of disclosure (pull, push, lookup).</summary>
    public const string DisclosureKindNotCovered = "DISCLOSURE_KIND_NOT_COVERED";

    /// <summary>With intimate terror, nothing goes to a recipient acting for the other parent.</summary>
    public const string IntimateTerrorOtherParent = "INTIMATE_TERROR_OTHER_PARENT";

    /// <summary>With intimate terror, nothing goes into a joint session (mediation) with both partners.</summary>
    public const string IntimateTerrorJointSession = "INTIMATE_TERROR_JOINT_SESSION";

    /// <summary>Break-glass was invoked for a purpose other than acute safety; the whole request is denied and logged.</summary>
    public const string BreakGlassNotAllowed = "BREAK_GLASS_NOT_ALLOWED";

    /// <summary>
    /// What a recipient is told instead of a reason that rests on data about the subjects (their violence-type
    /// indication, the other parent's side): telling it would disclose that data. The precise reason is in the ledger.
    /// </summary>
    public const string NotReleasedInThisCase = "NOT_RELEASED_IN_THIS_CASE";

    /// <summary>The codes a hard denial may state; one it does not state is <see cref="HardDenial"/>.</summary>
    public static IReadOnlySet<string> HardDenialCodes { get; } =
        new HashSet<string>(StringComparer.Ordinal) { HardDenial, IntimateTerrorOtherParent, IntimateTerrorJointSession };

    /// <summary>Every code a decision can carry.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        NoPermittingRule, PurposeNotCovered, HardDenial, BasisNotApplicable, CategoryNotCovered, NoActiveInvolvement,
        NotInCaseConference, AgreementNotInForce, ViolenceTypeNotCovered, NotActingForOtherParent, NotAJointSession,
        RecipientRoleNotPermitted, DisclosureKindNotCovered, IntimateTerrorOtherParent, IntimateTerrorJointSession,
        BreakGlassNotAllowed, NotReleasedInThisCase,
    ];

    /// <summary>
    /// The order of the checks a requested category passes on its way to release, from the first to the last: a
    /// misused break-glass and a hard denial end every way; then whether anything goes between these domains at
    /// all, for this purpose, under this basis; then a rule's own conditions in the order the rules are written
    /// with (kind, role, involvement, case conference, agreement, the case's facts). A reason later in this order
    /// is more specific: the category came closer to release, and the reason names what is left to fix.
    /// </summary>
    public static IReadOnlyList<string> Order { get; } =
    [
        BreakGlassNotAllowed, NotReleasedInThisCase, HardDenial, IntimateTerrorOtherParent, IntimateTerrorJointSession,
        NoPermittingRule, CategoryNotCovered, PurposeNotCovered, BasisNotApplicable,
        DisclosureKindNotCovered, RecipientRoleNotPermitted, NoActiveInvolvement, NotInCaseConference, AgreementNotInForce,
        ViolenceTypeNotCovered, NotActingForOtherParent, NotAJointSession,
    ];

    /// <summary>The position of a code in <see cref="Order"/>: higher is more specific. Equal for codes of one check.</summary>
    public static int Specificity(string reasonCode) => reasonCode switch
    {
        BreakGlassNotAllowed => 0,
        NotReleasedInThisCase => 1,
        HardDenial or IntimateTerrorOtherParent or IntimateTerrorJointSession => 2,
        NoPermittingRule or CategoryNotCovered => 3,
        PurposeNotCovered => 4,
        BasisNotApplicable => 5,
        DisclosureKindNotCovered => 6,
        RecipientRoleNotPermitted => 7,
        NoActiveInvolvement => 8,
        NotInCaseConference => 9,
        AgreementNotInForce => 10,
        ViolenceTypeNotCovered or NotActingForOtherParent or NotAJointSession => 11,
        _ => 2,
    };
}
