using Exchange.Pki;
using Exchange.ServiceDefaults.Hosting;
using Exchange.Testing;

namespace Exchange.Security.Tests.Pki;

/// <summary>How a running service reads the CRL file: at once when it changes, and never as "nothing revoked" when it cannot.</summary>
public sealed class RevocationFileTests
{
    [Fact]
    public void A_revocation_published_while_the_service_runs_takes_effect_at_the_next_check()
    {
        using var pki = new TestPki();
        using var certificate = pki.ClientCertificate("swt-tilburg");
        var file = new RevocationFile(pki.RevocationListPath, pki.Ca, TimeProvider.System);
        Assert.Null(file.Check(certificate));

        pki.Revoke(certificate);

        Assert.Equal("certificate is revoked", file.Check(certificate));
    }

    [Fact]
    public void Without_a_readable_list_every_certificate_is_refused()
    {
        using var pki = new TestPki();
        using var certificate = pki.ClientCertificate("swt-tilburg");
        File.WriteAllText(pki.RevocationListPath, "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
        var file = new RevocationFile(pki.RevocationListPath, pki.Ca, TimeProvider.System);

        Assert.StartsWith("revocation status unknown", file.Check(certificate), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_list_refuses_every_certificate_until_one_is_published()
    {
        using var pki = new TestPki();
        using var certificate = pki.ClientCertificate("swt-tilburg");
        File.Delete(pki.RevocationListPath);
        var file = new RevocationFile(pki.RevocationListPath, pki.Ca, TimeProvider.System);
        Assert.NotNull(file.Check(certificate));

        pki.Directory.PublishRevocationList();

        Assert.Null(file.Check(certificate));
    }

    [Fact]
    public void The_trust_store_refuses_a_revoked_certificate_and_a_server_certificate_in_a_client_role()
    {
        using var pki = new TestPki();
        using var revoked = pki.ClientCertificate("swt-tilburg");
        using var server = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(pki.ServerCertificatePath, pki.ServerKeyPath);
        var trust = TrustStore.Load(pki.CaPath, pki.RevocationListPath);
        pki.Revoke(revoked);

        Assert.Equal("certificate is revoked", trust.Validate(revoked));
        Assert.NotNull(trust.Validate(server));
        Assert.True(PrivateCa.Validates(server, pki.Ca));
    }
}
