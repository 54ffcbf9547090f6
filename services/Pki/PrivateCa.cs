using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Pki;

/// <summary>Client-side trust in exactly one private CA: the exchange's, without touching the machine's store.</summary>
public static class PrivateCa
{
    /// <summary>
    /// True when the server's <paramref name="certificate"/> chains to <paramref name="ca"/>, is in its validity
    /// period and meant for servers, and (given the platform's <paramref name="errors"/>) names the host that
    /// was dialled: only the chain to the machine's roots may fail, since the exchange CA is not among them.
    /// </summary>
    public static bool Validates(X509Certificate? certificate, X509Certificate2 ca, SslPolicyErrors errors = SslPolicyErrors.None)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
