using System.Collections.Frozen;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Rules;

/// <summary>The recipient has an active involvement with one of the subjects (host fact).</summary>
public sealed class ActiveInvolvementCondition : IPolicyCondition
{
    public static ActiveInvolvementCondition Instance { get; } = new();

    private ActiveInvolvementCondition()
    {
    }

    public string Id => "involved";

    public string ReasonCode => PolicyReasonCodes.NoActiveInvolvement;

    public bool BreakGlassMayStandIn => true;

    public string Requirement => "the recipient has an active involvement with a subject";

    public bool IsMet(in ConditionContext context) => context.Facts.RecipientInvolved;
}

/// <summary>The recipient takes part in a case conference about one of the subjects (host fact).</summary>
public sealed class CaseConferenceCondition : IPolicyCondition
{
    public static CaseConferenceCondition Instance { get; } = new();

    private CaseConferenceCondition()
    {
    }

    public string Id => "case_conference";

    public string ReasonCode => PolicyReasonCodes.NotInCaseConference;

    public bool BreakGlassMayStandIn => true;

    public string Requirement => "the recipient takes part in a case conference about a subject";

    public bool IsMet(in ConditionContext context) => context.Facts.RecipientInCaseConference;
}

/// <summary>
/// Holder and recipient both signed the agreement, and it is in force at the time of the request. Evaluated from
/// the bundle's own agreements, because who signed what is part of the policy a lawyer reviews.
/// </summary>
public sealed class AgreementInForceCondition(AgreementDefinition agreement) : IPolicyCondition
{
    private readonly FrozenSet<string> _partners = agreement.Partners.Select(p => p.Id).ToFrozenSet(StringComparer.Ordinal);

    public AgreementDefinition Agreement { get; } = agreement;

    public string Id => "agreement";

    public string ReasonCode => PolicyReasonCodes.AgreementNotInForce;

    public bool BreakGlassMayStandIn => false;

    public string Requirement =>
        $"holder and recipient both signed agreement '{Agreement.Id}' and it is in force (from {Agreement.ValidFrom:yyyy-MM-dd}{(Agreement.ValidTo is { } end ? $" until {end:yyyy-MM-dd}" : string.Empty)})";

    public bool IsMet(in ConditionContext context) =>
        IsInForceAt(context.Now) && _partners.Contains(context.HolderId) && _partners.Contains(context.RecipientId);

    public bool IsInForceAt(DateTimeOffset now) => now >= Agreement.ValidFrom && (Agreement.ValidTo is not { } end || now < end);

    public bool IsSignedBy(string partnerId) => _partners.Contains(partnerId);
}

/// <summary>The case's violence-type indication is one of the listed types (host fact).</summary>
public sealed class ViolenceTypeCondition(IReadOnlyList<ViolenceType> types) : IPolicyCondition
{
    private readonly uint _mask = types.Aggregate(0u, (m, t) => m | (1u << (int)t));

    public IReadOnlyList<ViolenceType> Types { get; } = types;

    public string Id => "violence_type";

    public string ReasonCode => PolicyReasonCodes.ViolenceTypeNotCovered;

    public bool BreakGlassMayStandIn => false;

    public bool RestsOnSubjectData => true;

    public string Requirement => $"the violence-type indication is {string.Join(" or ", Types.Select(Vocabularies.ViolenceTypes.NameOf))}";

    public bool IsMet(in ConditionContext context)
    {
        var type = (int)context.Facts.ViolenceType;
        return type is >= 0 and < 32 && (_mask & (1u << type)) != 0;
    }
}

/// <summary>
/// The recipient is on the other parent's side: its professional declared acting for the other parent (acting_for),
/// or its involvements in the family are with the alleged perpetrator and not with the victim (host facts).
/// </summary>
public sealed class ActingForOtherParentCondition : IPolicyCondition
{
    public static ActingForOtherParentCondition Instance { get; } = new();

    private ActingForOtherParentCondition()
    {
    }

    public string Id => "acting_for_other_parent";

    public string ReasonCode => PolicyReasonCodes.NotActingForOtherParent;

    public bool BreakGlassMayStandIn => false;

    public bool RestsOnSubjectData => true;

    public string Requirement => "the recipient is on the other parent's side (it declared acting for the other parent, or its involvements in the family are with the alleged perpetrator and not with the victim)";

    public bool IsMet(in ConditionContext context) => context.Facts.OnOtherParentsSide;
}

/// <summary>The data is for a joint session with both partners (request field joint_session).</summary>
public sealed class JointSessionCondition : IPolicyCondition
{
    public static JointSessionCondition Instance { get; } = new();

    private JointSessionCondition()
    {
    }

    public string Id => "joint_session";

    public string ReasonCode => PolicyReasonCodes.NotAJointSession;

    public bool BreakGlassMayStandIn => false;

    public string Requirement => "the data is for a joint session with both partners";

    public bool IsMet(in ConditionContext context) => context.Request.JointSession;
}

/// <summary>The acting professional has one of the listed roles (compared without regard to case).</summary>
public sealed class RecipientRoleCondition(IReadOnlyList<string> roles) : IPolicyCondition
{
    private readonly string[] _roles = [.. roles];

    public IReadOnlyList<string> Roles => _roles;

    public string Id => "recipient_roles";

    public string ReasonCode => PolicyReasonCodes.RecipientRoleNotPermitted;

    public bool BreakGlassMayStandIn => false;

    public string Requirement => $"the acting professional's role is {string.Join(" or ", _roles)}";

    public bool IsMet(in ConditionContext context)
    {
        var role = context.RecipientRole;
        foreach (var allowed in _roles)
        {
            if (string.Equals(allowed, role, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The disclosure is of one of the listed kinds (pull, push, lookup).</summary>
public sealed class DisclosureKindCondition(IReadOnlyList<DisclosureKind> kinds) : IPolicyCondition
{
    private readonly uint _mask = kinds.Aggregate(0u, (m, k) => m | (1u << (int)k));

    public IReadOnlyList<DisclosureKind> Kinds { get; } = kinds;

    public string Id => "kinds";

    public string ReasonCode => PolicyReasonCodes.DisclosureKindNotCovered;

    public bool BreakGlassMayStandIn => false;

    public string Requirement => $"the disclosure is a {string.Join(" or ", Kinds.Select(Vocabularies.Kinds.NameOf))}";

    public bool IsMet(in ConditionContext context)
    {
        var kind = (int)context.Kind;
        return kind is >= 0 and < 32 && (_mask & (1u << kind)) != 0;
    }
}
