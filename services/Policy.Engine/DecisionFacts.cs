using Exchange.Contracts.V1;

namespace Exchange.Policy.Engine;

/// <summary>
/// What the host resolves before asking for a decision; the engine does no I/O. Each fact is over the request's
/// whole subject set: involved with any of them, in a case conference about any of them, intimate terror if the
/// family's indication says so. A domain of <see cref="Domain.Unspecified"/> means the partner is unknown.
/// </summary>
public readonly record struct DecisionFacts(
    Domain HolderDomain,
    Domain RecipientDomain,
    bool RecipientInvolved,
    bool RecipientInCaseConference,
    ViolenceType ViolenceType,
    bool ActingForOtherParent);
