using System.Collections.Frozen;
using Exchange.Contracts.V1;
using Exchange.Registry.Client.Snapshots;
using Exchange.ServiceDefaults.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Index.Hosting;

/// <summary>The partners the index knows, by id: an immutable catalogue, replaced whole when the partners change.</summary>
public sealed class PartnerCatalog(IOptionsMonitor<IndexOptions> options) : IDisposable
{
    private readonly LiveSnapshot<IndexOptions, FrozenDictionary<string, IndexPartner>> _partners = new(options, Build);

    public IndexPartner? Find(string organisationId) => _partners.Current.GetValueOrDefault(organisationId);

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

    public void Dispose() => _partners.Dispose();

    /// <summary>
    /// The index's partners as the registry describes them: only an approved partner is known (routed to, named,
    /// notified); one in any other state is forgotten. Partners only in configuration (no registry) stay.
    /// </summary>
    public static void ApplyRegistry(IndexOptions options, PartnerSnapshot snapshot) =>
        options.Partners = snapshot.Overlay(options.Partners, p => p.Id, partner =>
            partner.IsAdmitted && partner.NodeAddress(options.SharedNodes) is { } node
                ? new IndexPartner { Id = partner.Id, Name = partner.Name, Domain = partner.Domain, NodeAddress = node }
                : null);

    private static FrozenDictionary<string, IndexPartner> Build(IndexOptions options) =>
        options.Partners.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
}
