using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>
/// Trusts exactly one private CA, without touching the machine's store, and refuses certificates its
/// revocation list names. Client certificates must also be meant for client authentication, so a
/// server certificate of the same CA cannot stand in for a partner.
/// </summary>
public sealed class TrustStore
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2 _ca;
    private readonly RevocationFile? _revocation;

    public TrustStore(X509Certificate2 ca, RevocationFile? revocation = null)
    {
        _ca = ca;
        _revocation = revocation;
    }

    public X509Certificate2 Authority => _ca;

    public static TrustStore Load(string caPemPath, string? revocationListPath = null)
    {
        var ca = PemFiles.ReadCertificate(caPemPath);
        return new TrustStore(ca, revocationListPath is null ? null : new RevocationFile(revocationListPath, ca, TimeProvider.System));
    }

    public bool Validates(X509Certificate2 certificate) => Validate(certificate) is null;

    /// <summary>Null when a client certificate chains to the CA, is in its validity period and not revoked; otherwise why not.</summary>
    public string? Validate(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        // Revocation is checked below against the exchange's own CRL: the platform would go online for it.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = DateTime.Now;
        if (!chain.Build(certificate))
        {
            var status = chain.ChainStatus.Length > 0 ? chain.ChainStatus[0].Status.ToString() : "untrusted";
            return $"certificate is not valid for the exchange CA ({status})";
        }

        if (!chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(_ca.RawDataMemory.Span))
        {
            return "certificate does not chain to the exchange CA";
        }

        return _revocation?.Check(certificate);
    }

    /// <summary>
    /// For each call on a connection whose handshake already verified the chain: what can have changed
    /// since is the time (expiry) and the CRL. Cheap enough for every call, unlike building the chain again.
    /// </summary>
    public string? Recheck(X509Certificate2 certificate) =>
        DateTime.Now > certificate.NotAfter ? "certificate has expired" : _revocation?.Check(certificate);

    /// <summary>A TLS callback for clients of exchange endpoints (see <see cref="PrivateCa.Validates"/>).</summary>
    public bool ValidatesServer(X509Certificate? certificate, SslPolicyErrors errors) => PrivateCa.Validates(certificate, _ca, errors);
}
