using System.Collections.Frozen;
using Exchange.Contracts.V1;
using Microsoft.Extensions.Options;

namespace Exchange.Index.Hosting;

/// <summary>The partners the index knows, by id.</summary>
public sealed class PartnerCatalog(IOptions<IndexOptions> options)
{
    private readonly FrozenDictionary<string, IndexPartner> _partners =
        options.Value.Partners.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);

    public IndexPartner? Find(string organisationId) => _partners.GetValueOrDefault(organisationId);

    public Domain DomainOf(string organisationId) => Find(organisationId)?.Domain ?? Domain.Unspecified;

    public InvolvedOrganisation Describe(string organisationId, ContactPoint contactPoint)
    {
        var partner = Find(organisationId);
        return new InvolvedOrganisation
        {
            OrganisationId = organisationId,
            Name = partner?.Name ?? organisationId,
            Domain = partner?.Domain ?? Domain.Unspecified,
            ContactPoint = contactPoint,
        };
    }
}
