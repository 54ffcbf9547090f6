using System.Security.Cryptography.X509Certificates;
using Exchange.Client;
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

        using var first = Administrator(topology, RegistryAdministrators.LocalClients[0]);
        using var second = Administrator(topology, RegistryAdministrators.LocalClients[1]);
        var registered = new List<string>();
        foreach (var partner in topology.Partners)
        {
            if (await ExistsAsync(first.Client, partner.Id, cancellationToken))
            {
                continue;
            }

            var application = partner.Clone();
            application.CertificatePem = File.ReadAllText(topology.Pki.ClientCertificatePath(partner.Id));
            await first.Client.RegisterPartnerAsync(new RegisterPartnerRequest { Application = application }, cancellationToken: cancellationToken);
            await first.Client.ApprovePartnerAsync(new ApprovePartnerRequest { Id = partner.Id }, cancellationToken: cancellationToken);
            await second.Client.ApprovePartnerAsync(new ApprovePartnerRequest { Id = partner.Id }, cancellationToken: cancellationToken);
            registered.Add(partner.Id);
        }

        return registered;
    }

    /// <summary>An administrator's authenticated client of the registry (mutual TLS and a certificate-bound token).</summary>
    public static AdministratorClient Administrator(ExchangeTopology topology, string clientId)
    {
        var ca = topology.Pki.LoadCaCertificate();
        var certificate = X509Certificate2.CreateFromPemFile(topology.Pki.ClientCertificatePath(clientId), topology.Pki.ClientKeyPath(clientId));
        var tokens = new PartnerTokenClient(topology.Issuer, ca, certificate, clientId);
        var channel = PartnerChannel.Create(topology.Require(ExchangePart.Registry).Url, ca, certificate, tokens);
        return new AdministratorClient(new RegistryService.RegistryServiceClient(channel), () =>
        {
            channel.Dispose();
            tokens.Dispose();
            certificate.Dispose();
        });
    }

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

/// <summary>A registry administrator's client; dispose it to close its channel.</summary>
public sealed class AdministratorClient(RegistryService.RegistryServiceClient client, Action dispose) : IDisposable
{
    public RegistryService.RegistryServiceClient Client { get; } = client;

    public void Dispose() => dispose();
}
