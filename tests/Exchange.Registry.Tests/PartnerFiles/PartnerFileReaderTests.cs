using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.Registry.Client.PartnerFiles;
using Exchange.Testing;

namespace Exchange.Registry.Tests.PartnerFiles;

/// <summary>A partner file reads into the application the registry receives; every problem is named with its place and field.</summary>
public sealed class PartnerFileReaderTests
{
    [Fact]
    public void The_demo_partner_files_read_without_problems_as_five_partners_on_the_shared_nodes()
    {
        var files = Directory.GetFiles(Repository.Path("deploy", "partners"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(path => PartnerFileReader.Read(path, requireCertificate: false)).ToList();

        Assert.All(files, file => Assert.Empty(file.Errors));
        Assert.Equal(["jb-brabant", "politie-zwb", "rvdk-zuidwest", "swt-tilburg", "vt-mwb"], files.Select(f => f.Application.Id));
        Assert.Equal([Domain.YouthProtection, Domain.Police, Domain.ChildProtection, Domain.SocialTeam, Domain.VeiligThuis], files.Select(f => f.Application.Domain));
        Assert.All(files, file => Assert.Equal(NodeHosting.Shared, file.Application.Hosting));
        Assert.All(files, file => Assert.Equal("zvh-mwb", Assert.Single(file.Application.Agreements).CovenantId));
    }

    [Fact]
    public void A_demo_file_is_refused_for_registration_until_it_names_a_certificate()
    {
        var file = PartnerFileReader.Read(Repository.Path("deploy", "partners", "vt-mwb.yaml"));

        var error = Assert.Single(file.Errors);
        Assert.Equal("certificate.request", error.Field);
    }

    [Fact]
    public void Every_problem_of_a_bad_file_is_reported_at_its_line_and_column_with_its_field()
    {
        using var dir = new TempDirectory();
        var file = Parse(dir, """
            id: VT Zeeland
            oin: "123"
            name: Veilig Thuis Zeeland
            domain: safe-home
            region: Zeeland
            colour: blue
            contacts:
              - role: technical
                team: Functioneel beheer
                email: not-an-address
              - role: boss
                team: Directie
                email: directie@vtz.example
            certificate:
              request: missing.csr
            node:
              hosting: partner
              endpoint: http://node.vtz.example
            agreements:
              - covenant: zvh-zeeland
                name: Convenant ZVH Zeeland
                parties: [vt-zeeland]
                valid_from: 1 January 2025
            """);

        Assert.Equal(
            [
                "vt.yaml:1:5: id",
                "vt.yaml:2:6: oin",
                "vt.yaml:4:9: domain",
                "vt.yaml:6:1: colour",
                "vt.yaml:7:1: contacts",
                "vt.yaml:10:12: contacts[0].email",
                "vt.yaml:11:11: contacts[1].role",
                "vt.yaml:15:12: certificate.request",
                "vt.yaml:17:3: node.server_certificate",
                "vt.yaml:18:13: node.endpoint",
                "vt.yaml:22:5: agreements[0].parties",
                "vt.yaml:23:17: agreements[0].valid_from",
            ],
            file.Errors.OrderBy(e => (e.Line, e.Column)).Select(e => $"{e.File}:{e.Line}:{e.Column}: {e.Field}"));
        Assert.Contains(file.Errors, e => e.Field == "colour" && e.Message.Contains("unknown key", StringComparison.Ordinal));
        Assert.Contains(file.Errors, e => e.Field == "contacts" && e.Message.Contains("privacy officer", StringComparison.Ordinal));
        Assert.Contains(file.Errors, e => e.Field == "node.server_certificate" && e.Message.Contains("server certificate", StringComparison.Ordinal));
        Assert.Contains(file.Errors, e => e.Field == "agreements[0].parties" && e.Message.Contains("applicant itself", StringComparison.Ordinal));
        Assert.False(file.IsValid);
    }

    [Fact]
    public void A_syntax_error_is_reported_where_the_YAML_breaks()
    {
        using var dir = new TempDirectory();
        var file = Parse(dir, "id: vt-zeeland\ncontacts: [\n  - role: technical\n");

        var error = Assert.Single(file.Errors);
        Assert.Equal(("(yaml)", 3), (error.Field, error.Line));
    }

    [Fact]
    public void A_problem_the_registry_reports_by_field_is_placed_where_the_field_is_written()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("vtz.csr"), "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n");
        var file = Parse(dir, ValidFile);

        Assert.Empty(file.Errors);
        Assert.Equal("vt.yaml:14:12: certificate.request: signed for another id", file.Locate("application.certificate_request_pem", "signed for another id").ToString());
        Assert.Equal("vt.yaml:9:12: contacts[0].email: bounced", file.Locate("application.contacts[0].point.email", "bounced").ToString());
        Assert.Equal("vt.yaml:20:27: agreements[0].parties[1]: unknown partner", file.Locate("application.agreements[0].party_ids[1]", "unknown partner").ToString());
        Assert.Equal("vt.yaml:1:1: (file): refused", file.Locate("application", "refused").ToString());
    }

    [Fact]
    public void A_valid_file_becomes_the_application_the_registry_receives()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("vtz.csr"), "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n");
        var application = Parse(dir, ValidFile).Application;

        Assert.Equal(("vt-zeeland", "00000004000000059000", Domain.VeiligThuis, "Zeeland"), (application.Id, application.Oin, application.Domain, application.Region));
        Assert.Equal([ContactRole.Technical, ContactRole.PrivacyOfficer], application.Contacts.Select(c => c.Role));
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", application.CertificateRequestPem, StringComparison.Ordinal);
        Assert.Equal(NodeHosting.Shared, application.Hosting);
        var agreement = Assert.Single(application.Agreements);
        Assert.Equal(["vt-zeeland", "politie-zwb"], agreement.PartyIds);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), agreement.ValidFrom.ToDateTimeOffset());
        Assert.Null(agreement.ValidTo);
    }

    [Fact]
    public void The_init_template_passes_once_its_FILL_IN_fields_are_filled_in_and_names_them_until_then()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("vt-zeeland.csr"), "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n");
        var template = new PartnerFileTemplate("vt-zeeland", "Veilig Thuis \"Zeeland\"", "veilig-thuis", "Zeeland", string.Empty, "vt-zeeland.csr");

        var unfilled = Parse(dir, template.Render("../docs/partner-file.schema.json"));
        var filled = Parse(dir, (template with { Oin = "00000004000000059000", TechnicalEmail = "beheer@vtz.example", PrivacyOfficerEmail = "fg@vtz.example" })
            .Render("../docs/partner-file.schema.json"));

        Assert.Equal(["contacts[0].email", "contacts[1].email", "oin"], unfilled.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.Empty(filled.Errors);
        Assert.Equal("Veilig Thuis \"Zeeland\"", filled.Application.Name);
    }

    private const string ValidFile = """
        id: vt-zeeland
        oin: "00000004000000059000"
        name: Veilig Thuis Zeeland
        domain: veilig-thuis
        region: Zeeland
        contacts:
          - role: technical
            team: Functioneel beheer
            email: beheer@vtz.example
          - role: privacy-officer
            team: FG
            email: fg@vtz.example
        certificate:
          request: vtz.csr
        node:
          hosting: shared
        agreements:
          - covenant: zvh-zeeland
            name: Convenant Zorg- en Veiligheidshuis Zeeland
            parties: [vt-zeeland, politie-zwb]
            valid_from: 2025-01-01
        """;

    private static PartnerFile Parse(TempDirectory dir, string text) => PartnerFileReader.Parse(text, "vt.yaml", dir.Path);
}
