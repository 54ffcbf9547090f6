using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;

namespace Exchange.Policy.Engine;

/// <summary>
/// What the host resolves before asking for a decision; the engine does no I/O. Each fact is over the request's
/// whole subject set: involved with any of them, in a case conference about any of them, intimate terror if the
/// family's indication says so. A domain of <see cref="Domain.Unspecified"/> means the partner is unknown.
/// <see cref="ActingForOtherParent"/> is what the professional declared; whose side the recipient is on in the
/// family follows from its involvements (<see cref="OnOtherParentsSide"/>).
/// </summary>
public readonly record struct DecisionFacts(
    Domain HolderDomain,
    Domain RecipientDomain,
    bool RecipientInvolved,
    bool RecipientInCaseConference,
    ViolenceType ViolenceType,
    bool ActingForOtherParent,
    bool RecipientInvolvedWithAllegedPerpetrator = false,
    bool RecipientInvolvedWithVictim = false)
{
    /// <summary>
    /// The recipient is on the other parent's side: it declared acting for the other parent, or its involvements in
    /// the family are with the alleged perpetrator and not with the victim, whatever it declares. A declaration can
    /// only add this protection, never remove it.
    /// </summary>
    public bool OnOtherParentsSide => ActingForOtherParent || (RecipientInvolvedWithAllegedPerpetrator && !RecipientInvolvedWithVictim);

    /// <summary>The facts as the contracts carry them (policy.v1.ResolvedFacts), e.g. into the ledger.</summary>
    public ResolvedFacts ToContract() => new()
    {
        HolderDomain = HolderDomain,
        RecipientDomain = RecipientDomain,
        RecipientInvolved = RecipientInvolved,
        RecipientInCaseConference = RecipientInCaseConference,
        ViolenceType = ViolenceType,
        ActingForOtherParent = ActingForOtherParent,
        RecipientInvolvedWithAllegedPerpetrator = RecipientInvolvedWithAllegedPerpetrator,
        RecipientInvolvedWithVictim = RecipientInvolvedWithVictim,
    };

    public static DecisionFacts From(ResolvedFacts facts) => new(
        facts.HolderDomain,
        facts.RecipientDomain,
        facts.RecipientInvolved,
        facts.RecipientInCaseConference,
        facts.ViolenceType,
        facts.ActingForOtherParent,
        facts.RecipientInvolvedWithAllegedPerpetrator,
        facts.RecipientInvolvedWithVictim);
}
