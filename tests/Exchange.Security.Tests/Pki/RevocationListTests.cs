using System.Security.Cryptography;
using Exchange.Pki;

namespace Exchange.Security.Tests.Pki;

/// <summary>The CRL the gateway and the identity service trust: what it says, and when it must not be believed.</summary>
public sealed class RevocationListTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void A_revoked_certificate_is_named_and_others_are_not()
    {
        using var ca = CertificateAuthority.Create("Test CA");
        using var revoked = ca.IssueClient("politie-zwb", "Politie");
        using var good = ca.IssueClient("vt-mwb", "Veilig Thuis");

        var list = RevocationList.Verify(ca.IssueRevocationList([Entry(revoked)], 1, Now.AddDays(1)), ca.Certificate, Now);

        Assert.True(list.IsRevoked(revoked));
        Assert.False(list.IsRevoked(good));
        Assert.Equal(1, list.Count);
    }

    [Fact]
    public void A_list_with_one_changed_byte_is_refused()
    {
        using var ca = CertificateAuthority.Create("Test CA");
        using var revoked = ca.IssueClient("politie-zwb", "Politie");
        var der = ca.IssueRevocationList([Entry(revoked)], 1, Now.AddDays(1));
        // A byte inside the revoked serial number: the list would no longer name the certificate.
        var serial = Convert.FromHexString(revoked.SerialNumber);
        var at = der.AsSpan().IndexOf(serial);
        der[at + serial.Length - 1] ^= 0x01;

        Assert.Throws<CryptographicException>(() => RevocationList.Verify(der, ca.Certificate, Now));
    }

    [Fact]
    public void A_list_signed_by_another_CA_is_refused()
    {
        using var ca = CertificateAuthority.Create("Test CA");
        using var other = CertificateAuthority.Create("Other CA");

        Assert.Throws<CryptographicException>(() => RevocationList.Verify(other.IssueRevocationList([], 1, Now.AddDays(1)), ca.Certificate, Now));
    }

    [Fact]
    public void A_list_past_its_next_update_is_refused()
    {
        using var ca = CertificateAuthority.Create("Test CA");
        var der = ca.IssueRevocationList([], 1, Now.AddMinutes(-1), Now.AddMinutes(-2));

        Assert.Throws<CryptographicException>(() => RevocationList.Verify(der, ca.Certificate, Now));
    }

    [Fact]
    public void Bytes_that_are_no_list_are_refused()
    {
        using var ca = CertificateAuthority.Create("Test CA");

        Assert.Throws<CryptographicException>(() => RevocationList.Verify(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }, ca.Certificate, Now));
    }

    private static RevokedCertificate Entry(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        new(certificate.SerialNumber, Now.AddMinutes(-1), certificate.Subject);
}
