using System.Security.Cryptography.X509Certificates;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>
/// Trusts exactly one private CA, without touching the machine's store, and optionally
/// a list of revoked certificate serial numbers.
/// </summary>
public sealed class TrustStore
{
    private readonly X509Certificate2 _ca;
    private readonly Func<IReadOnlySet<string>> _revokedSerials;

    public TrustStore(X509Certificate2 ca, Func<IReadOnlySet<string>>? revokedSerials = null)
    {
        _ca = ca;
        _revokedSerials = revokedSerials ?? (static () => new HashSet<string>());
    }

    public X509Certificate2 Authority => _ca;

    public static TrustStore Load(string caPemPath, Func<IReadOnlySet<string>>? revokedSerials = null) =>
        new(X509CertificateLoader.LoadCertificateFromFile(caPemPath), revokedSerials);

    public bool Validates(X509Certificate2 certificate) => Validate(certificate) is null;

    /// <summary>Null when the certificate chains to the CA, is in its validity period and not revoked; otherwise why not.</summary>
    public string? Validate(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = DateTime.Now;
        if (!chain.Build(certificate))
        {
            var status = chain.ChainStatus.Length > 0 ? chain.ChainStatus[0].Status.ToString() : "untrusted";
            return $"certificate does not chain to the exchange CA ({status})";
        }

        if (!chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(_ca.RawDataMemory.Span))
        {
            return "certificate does not chain to the exchange CA";
        }

        return _revokedSerials().Contains(certificate.SerialNumber) ? "certificate is revoked" : null;
    }
}
