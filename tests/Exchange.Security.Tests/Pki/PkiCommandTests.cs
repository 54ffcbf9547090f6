using Exchange.Cli.Pki;
using Exchange.Pki;
using Exchange.Testing;

namespace Exchange.Security.Tests.Pki;

/// <summary><c>exchange pki</c> as an integrator uses it while the local exchange runs.</summary>
public sealed class PkiCommandTests
{
    [Fact]
    public void An_integrator_issues_a_partner_certificate_and_revokes_it_into_the_published_CRL()
    {
        using var directory = new TempDirectory("pki-cli");
        var output = new StringWriter();

        Assert.Equal(PkiCommand.Success, PkiCommand.Init(directory.Path, "Test CA", output));
        Assert.Equal(PkiCommand.Success, PkiCommand.IssueClient(directory.Path, "swt-tilburg", "Sociaal wijkteam Tilburg", null, replace: false, output));
        Assert.Equal(PkiCommand.Success, PkiCommand.Revoke(directory.Path, "swt-tilburg", output));

        var pki = new PkiDirectory(directory.Path);
        using var certificate = pki.LoadClient("swt-tilburg");
        var crl = RevocationList.Load(pki.RevocationListPath, pki.LoadCaCertificate(), DateTimeOffset.UtcNow);
        Assert.True(crl.IsRevoked(certificate));
        Assert.Equal("swt-tilburg", certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
        Assert.Contains(PemFiles.Thumbprint(certificate), output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_system_of_an_organisation_gets_its_own_key_with_the_organisation_as_its_name()
    {
        using var directory = new TempDirectory("pki-cli");
        var output = new StringWriter();
        PkiCommand.Init(directory.Path, "Test CA", output);

        PkiCommand.IssueClient(directory.Path, "vt-mwb", "Veilig Thuis", null, replace: false, output);
        PkiCommand.IssueClient(directory.Path, "vt-mwb", "Veilig Thuis, FG", "vt-mwb-fg", replace: false, output);

        var pki = new PkiDirectory(directory.Path);
        using var main = pki.LoadClient("vt-mwb");
        using var officers = pki.LoadClient("vt-mwb-fg");
        Assert.Equal(main.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false), officers.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
        Assert.NotEqual(main.GetPublicKeyString(), officers.GetPublicKeyString());
    }

    [Fact]
    public void Nothing_is_issued_without_a_CA_and_no_file_name_can_leave_the_directory()
    {
        using var directory = new TempDirectory("pki-cli");
        var output = new StringWriter();

        Assert.Equal(PkiCommand.Refused, PkiCommand.IssueClient(directory.Path, "vt-mwb", "Veilig Thuis", null, replace: false, output));
        PkiCommand.Init(directory.Path, "Test CA", output);
        Assert.Equal(PkiCommand.Refused, PkiCommand.IssueClient(directory.Path, "../../etc/evil", "Evil", null, replace: false, output));
        Assert.Equal(PkiCommand.Refused, PkiCommand.Revoke(directory.Path, "nobody", output));
    }
}
