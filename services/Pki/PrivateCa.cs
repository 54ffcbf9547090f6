using System.Security.Cryptography.X509Certificates;

namespace Exchange.Pki;

/// <summary>Client-side trust in exactly one private CA: the exchange's, without touching the machine's store.</summary>
public static class PrivateCa
{
    /// <summary>True when <paramref name="certificate"/> chains to <paramref name="ca"/> and is in its validity period.</summary>
    public static bool Validates(X509Certificate? certificate, X509Certificate2 ca)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
