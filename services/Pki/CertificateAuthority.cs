using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Pki;

/// <summary>
/// The exchange's private CA: issues server certificates for the exchange's endpoints and client
/// certificates for partner organisations. In production the same shapes come from the operator's PKI;
/// locally and in tests this CA is created on the spot.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public static CertificateAuthority Create(string name, TimeSpan? validity = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Name(name, null), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + (validity ?? TimeSpan.FromDays(3650)));
        return new CertificateAuthority(certificate);
    }

    public static CertificateAuthority Load(string certificatePemPath, string keyPemPath) =>
        new(X509Certificate2.CreateFromPemFile(certificatePemPath, keyPemPath));

    /// <summary>A TLS server certificate for the given host names and addresses.</summary>
    public X509Certificate2 IssueServer(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan? validity = null)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            san.AddDnsName(dns);
        }

        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        return Issue(Name(commonName, null), Oids.ServerAuthentication, san.Build(), DateTimeOffset.UtcNow.AddMinutes(-5), validity ?? TimeSpan.FromDays(825));
    }

    /// <summary>
    /// A client certificate for a partner organisation. The organisation id is the common name:
    /// that is what the gateway reads as the caller's identity.
    /// </summary>
    public X509Certificate2 IssueClient(string organisationId, string organisationName, DateTimeOffset? notBefore = null, TimeSpan? validity = null)
    {
        return Issue(Name(organisationId, organisationName), Oids.ClientAuthentication, null, notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5), validity ?? TimeSpan.FromDays(365));
    }

    /// <summary>
    /// Signs a partner's own key (from its certificate request) into a client certificate, CN = organisation id,
    /// with the same shape as <see cref="IssueClient(string, string, DateTimeOffset?, TimeSpan?)"/>. The request's
    /// subject and extensions are not copied: the CA decides what the certificate says.
    /// </summary>
    public X509Certificate2 IssueClient(PublicKey publicKey, string organisationId, string organisationName, DateTimeOffset? notBefore = null, TimeSpan? validity = null) =>
        Create(new CertificateRequest(Name(organisationId, organisationName), publicKey, HashAlgorithmName.SHA256),
            Oids.ClientAuthentication, null, notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5), validity ?? TimeSpan.FromDays(365));

    /// <summary>
    /// A certificate revocation list (DER) signed by this CA, naming every revoked certificate.
    /// Relying parties refuse a list past its next update, so it must be re-issued before then.
    /// </summary>
    public byte[] IssueRevocationList(IEnumerable<RevokedCertificate> revoked, BigInteger number, DateTimeOffset nextUpdate, DateTimeOffset? thisUpdate = null)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var entry in revoked)
        {
            builder.AddEntry(Convert.FromHexString(entry.SerialNumber), entry.RevokedAt, X509RevocationReason.KeyCompromise);
        }

        return builder.Build(Certificate, number, nextUpdate, HashAlgorithmName.SHA256, thisUpdate: thisUpdate ?? DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 Issue(X500DistinguishedName subject, string usageOid, X509Extension? san, DateTimeOffset notBefore, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = Create(new CertificateRequest(subject, key, HashAlgorithmName.SHA256), usageOid, san, notBefore, validity);
        return issued.CopyWithPrivateKey(key);
    }

    private X509Certificate2 Create(CertificateRequest request, string usageOid, X509Extension? san, DateTimeOffset notBefore, TimeSpan validity)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var notAfter = notBefore + validity;
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return request.Create(Certificate, notBefore, notAfter, serial);
    }

    /// <summary>Built attribute by attribute, so that a comma or quote in an organisation's name cannot change the DN.</summary>
    private static X500DistinguishedName Name(string commonName, string? organisation)
    {
        var builder = new X500DistinguishedNameBuilder();
        if (!string.IsNullOrEmpty(organisation))
        {
            builder.AddOrganizationName(organisation);
        }

        builder.AddCommonName(commonName);
        return builder.Build();
    }

    private static class Oids
    {
        public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
        public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    }
}
