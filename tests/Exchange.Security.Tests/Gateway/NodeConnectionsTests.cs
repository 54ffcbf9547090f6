using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using Exchange.Gateway.Routing;
using Exchange.ServiceDefaults.Hosting;
using Exchange.Testing;

namespace Exchange.Security.Tests.Gateway;

/// <summary>The gateway forwards to a partner-hosted node only over TLS with the server certificate the registry holds for it.</summary>
public sealed class NodeConnectionsTests : IDisposable
{
    private readonly TestPki _pki = new();

    [Fact]
    public void The_registered_certificate_of_the_exchange_ca_is_accepted()
    {
        using var node = _pki.Directory.IssueServer("vt-zeeland-node", ["localhost"], [IPAddress.Loopback]);

        Assert.True(NodeConnections.Accepts(Trust(), node, SslPolicyErrors.None, Thumbprint(node)));
    }

    [Fact]
    public void Another_certificate_of_the_same_ca_is_refused_when_one_is_registered()
    {
        using var registered = _pki.Directory.IssueServer("vt-zeeland-node", ["localhost"], [IPAddress.Loopback]);
        using var other = _pki.Directory.IssueServer("somebody-else", ["localhost"], [IPAddress.Loopback]);

        Assert.False(NodeConnections.Accepts(Trust(), other, SslPolicyErrors.None, Thumbprint(registered)));
    }

    [Fact]
    public void A_certificate_for_another_host_is_refused_even_when_it_is_the_registered_one()
    {
        using var node = _pki.Directory.IssueServer("vt-zeeland-node", ["localhost"], [IPAddress.Loopback]);

        Assert.False(NodeConnections.Accepts(Trust(), node, SslPolicyErrors.RemoteCertificateNameMismatch, Thumbprint(node)));
    }

    [Fact]
    public void A_certificate_of_another_ca_is_refused()
    {
        using var elsewhere = new TestPki();
        using var node = elsewhere.Directory.IssueServer("vt-zeeland-node", ["localhost"], [IPAddress.Loopback]);

        Assert.False(NodeConnections.Accepts(Trust(), node, SslPolicyErrors.RemoteCertificateChainErrors, Thumbprint(node)));
    }

    public void Dispose() => _pki.Dispose();

    private TrustStore Trust() => new(_pki.Ca);

    private static string Thumbprint(global::System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
}
