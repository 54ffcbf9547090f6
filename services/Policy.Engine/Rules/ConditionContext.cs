using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;

namespace Exchange.Policy.Engine.Rules;

/// <summary>What a condition may look at: the validated request, the facts the host resolved, and the time.</summary>
public readonly struct ConditionContext(DecideRequest request, in DecisionFacts facts, DateTimeOffset now)
{
    public DecideRequest Request { get; } = request;

    public DecisionFacts Facts { get; } = facts;

    public DateTimeOffset Now { get; } = now;

    public string HolderId => Request.HolderOrganisationId;

    public string RecipientId => Request.Recipient.OrganisationId;

    public string RecipientRole => Request.Recipient.Role;

    public DisclosureKind Kind => Request.Kind;
}
