using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Rules;

/// <summary>
/// Turns a scope's written conditions into condition objects, in a fixed order: the kind of disclosure and the
/// professional's role first, then the facts of the case. The first unmet one gives a rule's reason code, so
/// the order decides which reason a requester sees when several conditions fail.
/// </summary>
internal static class ConditionFactory
{
    public static IPolicyCondition[] Build(ScopeDefinition scope, IReadOnlyDictionary<string, AgreementInForceCondition> agreements)
    {
        var conditions = new List<IPolicyCondition>();
        if (scope.Kinds.Count > 0)
        {
            conditions.Add(new DisclosureKindCondition(scope.Kinds));
        }

        if (scope.RecipientRoles.Count > 0)
        {
            conditions.Add(new RecipientRoleCondition(scope.RecipientRoles));
        }

        var when = scope.When;
        if (when.Involved)
        {
            conditions.Add(ActiveInvolvementCondition.Instance);
        }

        if (when.CaseConference)
        {
            conditions.Add(CaseConferenceCondition.Instance);
        }

        if (when.Agreement is { } agreement)
        {
            conditions.Add(agreements[agreement.Id]);
        }

        if (when.ViolenceTypes.Count > 0)
        {
            conditions.Add(new ViolenceTypeCondition(when.ViolenceTypes));
        }

        if (when.ActingForOtherParent)
        {
            conditions.Add(ActingForOtherParentCondition.Instance);
        }

        if (when.JointSession)
        {
            conditions.Add(JointSessionCondition.Instance);
        }

        return [.. conditions];
    }
}
