using System.Collections.Frozen;
using Exchange.Contracts.V1;
using Exchange.Registry.Client.Snapshots;
using Microsoft.Extensions.Options;

namespace Exchange.Index.Hosting;

/// <summary>The partners the index knows, by id: an immutable catalogue, replaced whole when the partners change.</summary>
public sealed class PartnerCatalog : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile FrozenDictionary<string, IndexPartner> _partners;

    public PartnerCatalog(IOptionsMonitor<IndexOptions> options)
    {
        _partners = Build(options.CurrentValue);
        _subscription = options.OnChange(o => _partners = Build(o));
    }

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

    public void Dispose() => _subscription?.Dispose();

    /// <summary>
    /// The index's partners as the registry describes them: only an approved partner is known (routed to, named,
    /// notified); one in any other state is forgotten. Partners only in configuration (no registry) stay.
    /// </summary>
    public static void ApplyRegistry(IndexOptions options, PartnerSnapshot snapshot)
    {
        var partners = options.Partners.ToDictionary(p => p.Id, StringComparer.Ordinal);
        foreach (var partner in snapshot.Partners.Values)
        {
            var node = partner.NodeAddress(domain => options.SharedNodes.FirstOrDefault(n => n.Domain == domain)?.Address);
            if (!partner.IsAdmitted || node is null)
            {
                partners.Remove(partner.Id);
                continue;
            }

            partners[partner.Id] = new IndexPartner { Id = partner.Id, Name = partner.Name, Domain = partner.Domain, NodeAddress = node };
        }

        options.Partners = [.. partners.Values.OrderBy(p => p.Id, StringComparer.Ordinal)];
    }

    private static FrozenDictionary<string, IndexPartner> Build(IndexOptions options) =>
        options.Partners.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
}
