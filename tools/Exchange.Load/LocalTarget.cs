using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Client;
using Exchange.Client.Local;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Exchange.Topology;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Load;

/// <summary>
/// The running local exchange as its launcher's manifest describes it. Partners are found by their domain and
/// domain services by the topology's name for them, so nothing here repeats what the topology declares.
/// </summary>
public sealed class LocalTarget
{
    private LocalTarget(LocalManifest manifest) => Manifest = manifest;

    public LocalManifest Manifest { get; }

    /// <summary>Reads the manifest; refuses an exchange that is not on this machine's loopback address.</summary>
    public static LocalTarget Read(string path)
    {
        var manifest = LocalManifest.Read(path);
        if (!new Uri(manifest.Gateway).IsLoopback || manifest.Services.Values.Any(url => !new Uri(url).IsLoopback))
        {
            throw new InvalidOperationException("The load tool only targets an exchange on this machine's loopback address.");
        }

        return new LocalTarget(manifest);
    }

    /// <summary>The (first) demo partner of a domain.</summary>
    public PartnerManifest PartnerOf(Domain domain) =>
        Manifest.Partners.FirstOrDefault(p => p.Domain == DomainNames.ToName(domain))
        ?? throw new InvalidOperationException($"The local exchange has no {DomainNames.ToName(domain)} partner.");

    /// <summary>A partner's case system connected through the gateway (mutual TLS, a bound token).</summary>
    public PartnerConnection Connect(Domain domain) => Manifest.Connect(PartnerOf(domain).Id);

    /// <summary>
    /// A partner's calls made straight to the domain service of its domain over h2c, skipping the gateway: each call
    /// carries what the gateway would forward (the partner's bound token, its certificate's SHA-256, its organisation),
    /// so the service still checks the token, the binding and the rule, as it does for every call.
    /// </summary>
    public DirectNodeConnection ConnectDirect(Domain domain)
    {
        var partner = PartnerOf(domain);
        var ca = X509CertificateLoader.LoadCertificateFromFile(Manifest.CaCertificate);
        var certificate = X509Certificate2.CreateFromPemFile(partner.Certificate, partner.Key);
        var tokens = new PartnerTokenClient(new Uri(Manifest.Identity.Issuer), ca, certificate, partner.ClientId);
        var channel = GrpcChannel.ForAddress(Manifest.Services[ExchangeTopology.NodeName(domain)], new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            DisposeHttpClient = true,
        });
        return new DirectNodeConnection(partner.Id, Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256)), tokens, channel);
    }
}

/// <summary>A partner's h2c channel to its domain service, and the headers the gateway would have added.</summary>
public sealed class DirectNodeConnection(string organisationId, string certificateSha256, PartnerTokenClient tokens, GrpcChannel channel) : IDisposable
{
    public GrpcChannel Channel { get; } = channel;

    public async Task<Metadata> HeadersAsync(CancellationToken cancellationToken) => new()
    {
        { "authorization", "Bearer " + await tokens.GetAccessTokenAsync(cancellationToken) },
        { ExchangeHeaders.CertificateThumbprint, certificateSha256 },
        { ExchangeHeaders.Organisation, organisationId },
    };

    public void Dispose()
    {
        Channel.Dispose();
        tokens.Dispose();
    }
}
