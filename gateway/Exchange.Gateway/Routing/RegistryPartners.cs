using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.Snapshots;

namespace Exchange.Gateway.Routing;

/// <summary>
/// The gateway's partners as the registry describes them: an approved partner is routed to its own node (when it
/// hosts one) or to the exchange's shared node of its domain; a partner in any other state is known but refused,
/// so that its open streams end at once. Partners only in configuration (a harness without a registry) stay.
/// </summary>
public static class RegistryPartners
{
    public static void Apply(GatewayOptions options, PartnerSnapshot snapshot)
    {
        var configured = options.Partners.ToDictionary(p => p.Id, StringComparer.Ordinal);
        options.Partners = snapshot.Overlay(options.Partners, p => p.Id, partner =>
        {
            var node = partner.NodeAddress(options.SharedNodes);
            return (node ?? configured.GetValueOrDefault(partner.Id)?.ServiceAddress) is { } address
                ? new PartnerRoute
                {
                    Id = partner.Id,
                    Name = partner.Name,
                    Domain = partner.Domain,
                    ServiceAddress = address,
                    ServerCertificateSha256 = partner.Hosting == NodeHosting.Partner ? partner.ServerCertificateSha256 : null,
                    Suspended = !partner.IsAdmitted || node is null,
                }
                : null;
        });
    }
}
