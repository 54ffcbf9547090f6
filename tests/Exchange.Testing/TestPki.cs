using System.Net;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;

namespace Exchange.Testing;

/// <summary>A fresh exchange CA with a loopback server certificate and client certificates, as PEM files.</summary>
public sealed class TestPki : IDisposable
{
    private readonly TempDirectory _directory = new("exchange-pki");
    private readonly CertificateAuthority _ca;

    public TestPki()
    {
        _ca = CertificateAuthority.Create("Need-to-Know Exchange test CA");
        CaPath = _directory.File("ca.pem");
        PemFiles.Write(_ca.Certificate, CaPath);
        using var server = _ca.IssueServer("exchange-gateway", ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        ServerCertificatePath = _directory.File("server.pem");
        ServerKeyPath = _directory.File("server.key");
        PemFiles.Write(server, ServerCertificatePath, ServerKeyPath);
    }

    public CertificateAuthority Authority => _ca;

    public string CaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public X509Certificate2 Ca => _ca.Certificate;

    public X509Certificate2 ClientCertificate(string organisationId, string? name = null) =>
        _ca.IssueClient(organisationId, name ?? organisationId);

    public void Dispose()
    {
        _ca.Dispose();
        _directory.Dispose();
    }
}
