using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Compilation;

namespace Exchange.Policy.Engine.Evaluation;

/// <summary>
/// Refuses a request the bundle cannot decide, naming every wrong field. A valid request passes without
/// allocating; the list of violations exists only once something is wrong.
/// </summary>
internal static class RequestValidator
{
    public static CompiledLegalBasis Validate(CompiledBundle bundle, DecideRequest request, in DecisionFacts facts, out uint requested)
    {
        List<PolicyInputViolation>? violations = null;
        void Add(string field, string description) => (violations ??= []).Add(new PolicyInputViolation(field, description));

        if (string.IsNullOrEmpty(request.HolderOrganisationId))
        {
            Add("holder_organisation_id", "name the organisation that holds the data");
        }
        else if (!Vocabularies.Domains.IsDefined(facts.HolderDomain))
        {
            Add("holder_organisation_id", $"unknown partner '{request.HolderOrganisationId}'");
        }

        if (request.Recipient is null || string.IsNullOrEmpty(request.Recipient.OrganisationId))
        {
            Add("recipient.organisation_id", "name the recipient organisation");
        }
        else if (!Vocabularies.Domains.IsDefined(facts.RecipientDomain))
        {
            Add("recipient.organisation_id", $"unknown partner '{request.Recipient.OrganisationId}'");
        }

        if (request.Subjects.Count == 0)
        {
            Add("subjects", "name at least one subject");
        }

        if (!Vocabularies.Purposes.IsDefined(request.Purpose))
        {
            Add("purpose", request.Purpose == Purpose.Unspecified ? "name a purpose" : $"unknown purpose {(int)request.Purpose}");
        }
        else if (!Masks.Contains(bundle.DeclaredPurposeMask, (int)request.Purpose))
        {
            Add("purpose", $"the policy bundle does not define purpose {Vocabularies.Purposes.NameOf(request.Purpose)}");
        }

        CompiledLegalBasis? basis = null;
        if (string.IsNullOrEmpty(request.LegalBasis?.Id))
        {
            Add("legal_basis.id", "name a legal basis");
        }
        else if (!bundle.BasisById.TryGetValue(request.LegalBasis.Id, out basis))
        {
            Add("legal_basis.id", $"unknown legal basis '{request.LegalBasis.Id}'");
        }

        requested = 0;
        if (request.Categories.Count == 0)
        {
            Add("categories", "name at least one data category");
        }

        for (var i = 0; i < request.Categories.Count; i++)
        {
            var category = request.Categories[i];
            if (Vocabularies.Categories.IsDefined(category))
            {
                requested |= Masks.Bit((int)category);
            }
            else
            {
                Add($"categories[{i}]", category == DataCategory.Unspecified ? "a category must be specified" : $"unknown data category {(int)category}");
            }
        }

        if (!Vocabularies.Kinds.IsDefined(request.Kind))
        {
            Add("kind", "say whether the disclosure is a PULL, PUSH or LOOKUP");
        }

        if (request.BreakGlass is not null && string.IsNullOrWhiteSpace(request.BreakGlass.Justification))
        {
            Add("break_glass.justification", "break-glass needs a written justification");
        }

        return violations is null ? basis! : throw new PolicyInputException(violations);
    }
}
