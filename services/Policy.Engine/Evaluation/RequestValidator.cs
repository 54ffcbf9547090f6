using Exchange.Contracts.Disclosures;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Compilation;

namespace Exchange.Policy.Engine.Evaluation;

/// <summary>
/// Refuses a request the bundle cannot decide, naming every wrong field. The checks a disclosure request meets
/// wherever it is made are <see cref="DisclosureRequestRules"/>, shared with the holder's service; what only the
/// policy can check (partners, the bundle's purposes and bases, who asks) is here. A valid request passes without
/// allocating; the list of violations exists only once something is wrong.
/// </summary>
internal static class RequestValidator
{
    /// <summary>Returns the legal basis the request cites, or null when it cites none (the policy then chooses one).</summary>
    public static CompiledLegalBasis? Validate(CompiledBundle bundle, DecideRequest request, in DecisionFacts facts, out uint requested)
    {
        var violations = default(Violations);
        if (string.IsNullOrEmpty(request.HolderOrganisationId))
        {
            violations.Add("holder_organisation_id", "name the organisation that holds the data");
        }
        else if (!Vocabularies.Domains.IsDefined(facts.HolderDomain))
        {
            violations.Add("holder_organisation_id", $"unknown partner '{request.HolderOrganisationId}'");
        }

        if (request.Recipient is null || string.IsNullOrEmpty(request.Recipient.OrganisationId))
        {
            violations.Add("recipient.organisation_id", "name the recipient organisation");
        }
        else if (!Vocabularies.Domains.IsDefined(facts.RecipientDomain))
        {
            violations.Add("recipient.organisation_id", $"unknown partner '{request.Recipient.OrganisationId}'");
        }

        // A pull is asked by a person, and the ledger records who: the exceptions a pull may have (break-glass, the
        // police's acute access to a confidential location) are for an acting professional, never for a system.
        if (request.Kind == DisclosureKind.Pull && request.Recipient is { ProfessionalId.Length: 0 })
        {
            violations.Add("recipient.professional_id", "a pull names the acting professional");
        }

        if (request.Subjects.Count == 0)
        {
            violations.Add("subjects", "name at least one subject");
        }

        DisclosureRequestRules.Check(request.Purpose, request.Categories, request.BreakGlass, ref violations);
        if (Vocabularies.Purposes.IsDefined(request.Purpose) && !Masks.Contains(bundle.DeclaredPurposeMask, (int)request.Purpose))
        {
            violations.Add("purpose", $"the policy bundle does not define purpose {Vocabularies.Purposes.NameOf(request.Purpose)}");
        }

        CompiledLegalBasis? basis = null;
        if (!string.IsNullOrEmpty(request.LegalBasis?.Id) && !bundle.BasisById.TryGetValue(request.LegalBasis.Id, out basis))
        {
            violations.Add("legal_basis.id", $"unknown legal basis '{request.LegalBasis.Id}'");
        }

        requested = 0;
        foreach (var category in request.Categories)
        {
            requested |= Vocabularies.Categories.IsDefined(category) ? Masks.Bit((int)category) : 0;
        }

        if (!Vocabularies.Kinds.IsDefined(request.Kind))
        {
            violations.Add("kind", "say whether the disclosure is a PULL, PUSH or LOOKUP");
        }

        return violations.Items is { } found ? throw new PolicyInputException(found) : basis;
    }

    private struct Violations : IViolationSink
    {
        public List<PolicyInputViolation>? Items { get; private set; }

        public void Add(string field, string description) => (Items ??= []).Add(new PolicyInputViolation(field, description));
    }
}
