using System.Net;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;

namespace Exchange.Testing;

/// <summary>
/// A fresh exchange CA as PEM files, laid out as <see cref="PkiDirectory"/> (the launcher's and
/// <c>exchange pki</c>'s layout): a loopback server certificate, partner client certificates, and a
/// published, signed CRL that the gateway and the identity service check.
/// </summary>
public sealed class TestPki : IDisposable
{
    private readonly TempDirectory _directory = new("exchange-pki");
    private readonly CertificateAuthority _ca;

    public TestPki()
    {
        Directory = new PkiDirectory(_directory.Path);
        Directory.Initialise("Need-to-Know Exchange test CA");
        _ca = Directory.OpenAuthority();
        using var server = Directory.IssueServer("server", ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback]);
    }

    public PkiDirectory Directory { get; }

    public CertificateAuthority Authority => _ca;

    public string CaPath => Directory.CaCertificatePath;

    public string ServerCertificatePath => Directory.ServerCertificatePath("server");

    public string ServerKeyPath => Directory.ServerKeyPath("server");

    public string RevocationListPath => Directory.RevocationListPath;

    public X509Certificate2 Ca => _ca.Certificate;

    /// <summary>The partner's client certificate (CN = organisation id), issued once and kept as files.</summary>
    public X509Certificate2 ClientCertificate(string organisationId, string? name = null) =>
        Directory.IssueClient(organisationId, name ?? organisationId);

    /// <summary>
    /// Another system of an organisation, with a certificate of its own (CN = the organisation id), kept
    /// under <paramref name="name"/>; e.g. its privacy officers' system next to its case system.
    /// </summary>
    public X509Certificate2 SystemCertificate(string name, string organisationId, string organisationName) =>
        Directory.IssueClient(organisationId, organisationName, name);

    /// <summary>The client certificate of this CA that is <paramref name="certificate"/>, with its private key, or null.</summary>
    public X509Certificate2? ClientWithKey(X509Certificate2 certificate)
    {
        var folder = Path.GetDirectoryName(Directory.ClientCertificatePath("x"))!;
        foreach (var path in global::System.IO.Directory.EnumerateFiles(folder, "*.pem"))
        {
            var key = Path.ChangeExtension(path, ".key");
            using var candidate = PemFiles.ReadCertificate(path);
            if (File.Exists(key) && candidate.Thumbprint == certificate.Thumbprint)
            {
                using var withKey = X509Certificate2.CreateFromPemFile(path, key);
                return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
            }
        }

        return null;
    }

    /// <summary>The certificate file of a partner (by organisation id) or of another system (by its name).</summary>
    public string ClientCertificatePath(string name) => Directory.ClientCertificatePath(name);

    /// <summary>Revokes the certificate and publishes the new CRL at once.</summary>
    public void Revoke(X509Certificate2 certificate) => Directory.Revoke(certificate);

    /// <summary>Endpoint settings for a TLS endpoint that requires (or asks for) client certificates of this CA.</summary>
    public IReadOnlyDictionary<string, string?> TlsEndpoint(bool requireClientCertificate) => new Dictionary<string, string?>
    {
        ["Endpoint:Url"] = "https://127.0.0.1:0",
        ["Endpoint:CertificatePath"] = ServerCertificatePath,
        ["Endpoint:KeyPath"] = ServerKeyPath,
        ["Endpoint:ClientCaPath"] = CaPath,
        ["Endpoint:ClientRevocationListPath"] = RevocationListPath,
        ["Endpoint:RequireClientCertificate"] = requireClientCertificate ? "true" : "false",
    };

    public void Dispose()
    {
        _ca.Dispose();
        _directory.Dispose();
    }
}
