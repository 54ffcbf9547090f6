using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.Registry.V1;
using Exchange.Pki;
using Exchange.Registry.Hosting;
using Exchange.Registry.Registrations;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Exchange.Registry.Certificates;

/// <summary>A certificate for an application, or why none can be had.</summary>
public sealed record CertificateOutcome(Certificate? Certificate, RegistryRefusal? Refusal)
{
    public static CertificateOutcome Refuse(string field, string message) =>
        new(null, new RegistryRefusal(RegistryReasonCodes.CertificateRefused, RefusalKind.InvalidArgument, message, field));
}

/// <summary>
/// The registry's part of the exchange CA: it signs an applicant's certificate request (the key never leaves the
/// applicant), checks certificates an applicant brings (chain, purpose, name, validity, not revoked), and revokes
/// the certificates of rejected and revoked partners in the CA's CRL, which the gateway and the identity service
/// re-read at once. The CA is the development CA's directory (<see cref="PkiDirectory"/>); a production CA is an
/// external service with the same three duties.
/// </summary>
public sealed class PartnerCertificates(IOptions<RegistryOptions> options, TimeProvider time)
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string CommonName = "2.5.4.3";

    private readonly PkiDirectory _pki = new(options.Value.PkiDirectory);
    private readonly Lock _gate = new();

    /// <summary>Signs the request: it must carry a valid self-signature, CN = the partner's id, and an EC (P-256 or larger) or RSA (2048 or larger) key.</summary>
    public CertificateOutcome Sign(string requestPem, string partnerId, string partnerName)
    {
        const string Field = "application.certificate_request_pem";
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequestPem(requestPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return CertificateOutcome.Refuse(Field, "not a PKCS#10 certificate request with a valid signature (PEM, CERTIFICATE REQUEST)");
        }

        if (!string.Equals(CommonNameOf(request.SubjectName), partnerId, StringComparison.Ordinal))
        {
            return CertificateOutcome.Refuse(Field, $"the request must name the partner's id as its CN (CN={partnerId}); it names '{CommonNameOf(request.SubjectName)}'");
        }

        if (!IsStrongKey(request.PublicKey))
        {
            return CertificateOutcome.Refuse(Field, "the key must be EC P-256 or larger, or RSA 2048 or larger");
        }

        lock (_gate)
        {
            using var ca = _pki.OpenAuthority();
            using var issued = ca.IssueClient(request.PublicKey, partnerId, partnerName, time.GetUtcNow().AddMinutes(-5), options.Value.ClientCertificateValidity);
            return new CertificateOutcome(Describe(issued, CertificateUsage.Client), null);
        }
    }

    /// <summary>A client certificate the applicant brings: issued by the exchange CA for this partner, current, for client authentication, not revoked.</summary>
    public CertificateOutcome AcceptClient(string certificatePem, string partnerId) =>
        Accept(certificatePem, "application.certificate_pem", ClientAuthentication, CertificateUsage.Client, certificate =>
            string.Equals(certificate.GetNameInfo(X509NameType.SimpleName, false), partnerId, StringComparison.Ordinal)
                ? null
                : $"the certificate is not issued for {partnerId} (its CN must be the partner's id)");

    /// <summary>A partner-hosted node's server certificate: issued by the exchange CA, current, for servers, naming the endpoint's host.</summary>
    public CertificateOutcome AcceptServer(string certificatePem, Uri endpoint) =>
        Accept(certificatePem, "application.server_certificate_pem", ServerAuthentication, CertificateUsage.Server, certificate =>
            certificate.MatchesHostname(endpoint.IdnHost, allowWildcards: true, allowCommonName: false)
                ? null
                : $"the server certificate does not name the endpoint's host {endpoint.Host}");

    /// <summary>Revokes the certificates and publishes the new CRL; relying parties read it on their next handshake.</summary>
    public void Revoke(IEnumerable<Certificate> certificates)
    {
        lock (_gate)
        {
            foreach (var entry in certificates)
            {
                using var certificate = X509Certificate2.CreateFromPem(entry.Pem);
                _pki.Revoke(certificate);
            }
        }
    }

    private CertificateOutcome Accept(string pem, string field, string usageOid, CertificateUsage usage, Func<X509Certificate2, string?> names)
    {
        if (Parse(pem) is not { } certificate)
        {
            return CertificateOutcome.Refuse(field, "not a PEM certificate");
        }

        using (certificate)
        {
            return (Problem(certificate, usageOid) ?? names(certificate)) is { } problem
                ? CertificateOutcome.Refuse(field, problem)
                : new CertificateOutcome(Describe(certificate, usage), null);
        }
    }

    private string? Problem(X509Certificate2 certificate, string usage)
    {
        using var ca = _pki.LoadCaCertificate();
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usage));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        if (!chain.Build(certificate) || !chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span))
        {
            var status = chain.ChainStatus.Length > 0 ? chain.ChainStatus[0].Status.ToString() : "untrusted";
            return $"the certificate is not a current {(usage == ServerAuthentication ? "server" : "client")} certificate of the exchange CA ({status})";
        }

        lock (_gate)
        {
            return _pki.Revoked.Any(r => string.Equals(r.SerialNumber, certificate.SerialNumber, StringComparison.OrdinalIgnoreCase))
                ? "the certificate has been revoked"
                : null;
        }
    }

    private static X509Certificate2? Parse(string pem)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static Certificate Describe(X509Certificate2 certificate, CertificateUsage usage) => new()
    {
        Usage = usage,
        Sha256Thumbprint = PemFiles.Thumbprint(certificate),
        Subject = certificate.Subject,
        SerialNumber = certificate.SerialNumber,
        NotBefore = Timestamp.FromDateTime(certificate.NotBefore.ToUniversalTime()),
        NotAfter = Timestamp.FromDateTime(certificate.NotAfter.ToUniversalTime()),
        Pem = certificate.ExportCertificatePem(),
    };

    private static string? CommonNameOf(X500DistinguishedName name) =>
        name.EnumerateRelativeDistinguishedNames().FirstOrDefault(r => !r.HasMultipleElements && r.GetSingleElementType().Value == CommonName)?.GetSingleElementValue();

    private static bool IsStrongKey(PublicKey key)
    {
        using var ec = key.GetECDsaPublicKey();
        if (ec is not null)
        {
            return ec.KeySize >= 256;
        }

        using var rsa = key.GetRSAPublicKey();
        return rsa is not null && rsa.KeySize >= 2048;
    }
}
