using System.Net;
using System.Security.Cryptography;
using Exchange.Pki;

namespace Exchange.Local.Launcher;

/// <summary>
/// The development CA, certificates and secrets, created on the first start and reused after, so
/// that data written in one run (encrypted, pseudonymised, signed) stays readable in the next.
/// </summary>
public static class LocalSecrets
{
    public static void Ensure(LocalLayout layout, IReadOnlyList<PartnerFile> partners)
    {
        Directory.CreateDirectory(layout.Pki);
        Directory.CreateDirectory(layout.Secrets);
        if (!File.Exists(layout.PseudonymKey))
        {
            File.WriteAllText(layout.PseudonymKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(layout.PseudonymKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        CertificateAuthority ca;
        if (File.Exists(layout.CaCertificate) && File.Exists(layout.CaKey))
        {
            ca = CertificateAuthority.Load(layout.CaCertificate, layout.CaKey);
        }
        else
        {
            ca = CertificateAuthority.Create("Need-to-Know Exchange local development CA");
            PemFiles.Write(ca.Certificate, layout.CaCertificate, layout.CaKey);
        }

        using (ca)
        {
            var serverCertificate = Path.Combine(layout.Pki, "gateway.pem");
            if (!File.Exists(serverCertificate))
            {
                using var server = ca.IssueServer("exchange-gateway", ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback]);
                PemFiles.Write(server, serverCertificate, Path.Combine(layout.Pki, "gateway.key"));
            }

            foreach (var partner in partners)
            {
                if (!File.Exists(layout.PartnerCertificate(partner.Id)))
                {
                    using var client = ca.IssueClient(partner.Id, partner.Name);
                    PemFiles.Write(client, layout.PartnerCertificate(partner.Id), layout.PartnerKey(partner.Id));
                }
            }
        }
    }
}
