using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Pki;

/// <summary>Writes certificates and keys as PEM files, the keys readable by the owner only.</summary>
public static class PemFiles
{
    public static void Write(X509Certificate2 certificate, string certificatePath, string? keyPath = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(certificatePath))!);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        if (keyPath is null)
        {
            return;
        }

        using var key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The certificate has no private key to write.");
        var pem = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(keyPath, pem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// A certificate without its key. (<c>X509Certificate2.CreateFromPemFile(path)</c> with one argument
    /// expects the key in the same file and fails on a plain certificate.)
    /// </summary>
    public static X509Certificate2 ReadCertificate(string certificatePath) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));

    /// <summary>Hex SHA-256 of the certificate, the form the registry and tokens use.</summary>
    public static string Thumbprint(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
}
