using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;

namespace Exchange.Ledger.Officers;

/// <summary>
/// A privacy officer as the ledger knows them: established from a verified token (the console user's, or
/// the privacy officers' system's through the gateway), never from the request.
/// </summary>
public sealed record Officer(string OrganisationId, string UserId)
{
    /// <summary>The role an officer's entries name (functionaris gegevensbescherming).</summary>
    public const string Role = "functionaris gegevensbescherming";

    public Actor ToActor() => new() { OrganisationId = OrganisationId, Role = Role, ProfessionalId = UserId };
}

/// <summary>
/// Least privilege for privacy officers, the one rule every read of the ledger by an officer passes:
/// an officer's organisation sees an entry only when it is the entry's holder or its recipient.
/// </summary>
public static class PartyRule
{
    /// <summary>The reason code of a refused read of another organisation's entry.</summary>
    public const string NotParty = "NOT_PARTY";

    public static bool IsParty(LedgerEntry entry, string organisationId) =>
        string.Equals(entry.HolderOrganisationId, organisationId, StringComparison.Ordinal)
        || string.Equals(entry.Requester?.OrganisationId, organisationId, StringComparison.Ordinal);
}
