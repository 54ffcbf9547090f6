using System.Security.Cryptography;
using Exchange.Pki;
using Exchange.Testing;

namespace Exchange.Security.Tests.Pki;

/// <summary>
/// The CRL parser is hand-written ASN.1 over whatever file an operator puts in place: for any bytes it either reads a
/// list the CA signed or refuses with <see cref="CryptographicException"/>; never another exception, never a hang.
/// </summary>
public sealed class RevocationListFuzzTests
{
    [Fact]
    public void Any_bytes_are_a_verified_list_or_a_CryptographicException()
    {
        using var ca = CertificateAuthority.Create("Test CA");
        using var first = ca.IssueClient("politie-zwb", "Politie");
        using var second = ca.IssueClient("vt-mwb", "Veilig Thuis");
        var now = DateTimeOffset.UtcNow;
        byte[][] samples =
        [
            ca.IssueRevocationList([], 1, now.AddDays(1)),
            ca.IssueRevocationList([Entry(first)], 2, now.AddDays(1)),
            ca.IssueRevocationList([Entry(first), Entry(second)], 3, now.AddDays(7)),
        ];

        var tried = Fuzz.Run(samples, input => RevocationList.Verify(input, ca.Certificate, now), e => e is CryptographicException);

        Assert.True(tried > 0);
    }

    private static RevokedCertificate Entry(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        new(certificate.SerialNumber, DateTimeOffset.UtcNow.AddMinutes(-1), certificate.Subject);
}
