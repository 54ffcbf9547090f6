using System.Security.Cryptography.X509Certificates;
using Exchange.Client.Local;
using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.Administration;
using Grpc.Core;

namespace Exchange.Topology;

/// <summary>
/// Puts the topology's demo partners in the registry the way an integrator would: each is applied for with its
/// partner file and the client certificate the local CA issued it, then approved by the two local administrators
/// (four eyes). A partner the registry already has is left as it is, so that a partner suspended or revoked in
/// one run stays so in the next. Once they are approved, the services that follow the registry take their
/// partners from it.
/// </summary>
public static class TopologyRegistration
{
    /// <summary>Registers and approves every demo partner the registry does not know yet; returns the ids it registered.</summary>
    public static async Task<IReadOnlyList<string>> RegisterDemoPartnersAsync(ExchangeTopology topology, CancellationToken cancellationToken)
    {
        if (!topology.FollowsRegistry || topology.Partners.Count == 0)
        {
            return [];
        }

        using var firstConnection = Administrator(topology, RegistryAdministrators.LocalClients[0]);
        using var secondConnection = Administrator(topology, RegistryAdministrators.LocalClients[1]);
        var first = new RegistryService.RegistryServiceClient(firstConnection.Channel);
        var second = new RegistryService.RegistryServiceClient(secondConnection.Channel);
        var registered = new List<string>();
        foreach (var partner in topology.Partners)
        {
            if (await ExistsAsync(first, partner.Id, cancellationToken))
            {
                continue;
            }

            var application = partner.Clone();
            application.CertificatePem = File.ReadAllText(topology.Pki.ClientCertificatePath(partner.Id));
            await first.RegisterPartnerAsync(new RegisterPartnerRequest { Application = application }, cancellationToken: cancellationToken);
            await first.ApprovePartnerAsync(new ApprovePartnerRequest { Id = partner.Id }, cancellationToken: cancellationToken);
            await second.ApprovePartnerAsync(new ApprovePartnerRequest { Id = partner.Id }, cancellationToken: cancellationToken);
            registered.Add(partner.Id);
        }

        return registered;
    }

    /// <summary>An administrator's authenticated connection to the registry (mutual TLS and a certificate-bound token).</summary>
    public static PartnerConnection Administrator(ExchangeTopology topology, string clientId) =>
        PartnerConnection.Open(
            RegistryAdministrators.OrganisationId, topology.Require(ExchangePart.Registry).Url, topology.Issuer, topology.Pki.LoadCaCertificate(),
            X509Certificate2.CreateFromPemFile(topology.Pki.ClientCertificatePath(clientId), topology.Pki.ClientKeyPath(clientId)), clientId);

    private static async Task<bool> ExistsAsync(RegistryService.RegistryServiceClient registry, string id, CancellationToken cancellationToken)
    {
        try
        {
            await registry.GetPartnerAsync(new GetPartnerRequest { Id = id }, cancellationToken: cancellationToken);
            return true;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return false;
        }
    }
}
