using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using Partner = Exchange.Contracts.Registry.V1.Partner;

namespace Exchange.Registry.Tests.Support;

/// <summary>Applications as an integrator would send them: a key of the applicant's own and a CSR for it.</summary>
public static class Applications
{
    /// <summary>A PKCS#10 request for <paramref name="commonName"/>, signed with a fresh P-256 key.</summary>
    public static string CertificateRequest(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public static PartnerApplication Shared(string id, Domain domain = Domain.VeiligThuis) => new()
    {
        Id = id,
        Oin = "00000004000000059000",
        Name = "Veilig Thuis Zeeland",
        Domain = domain,
        Region = "Zeeland",
        Contacts =
        {
            new Contact { Role = ContactRole.Technical, Point = new ContactPoint { Team = "Functioneel beheer", Email = "beheer@vtz.example" } },
            new Contact { Role = ContactRole.PrivacyOfficer, Point = new ContactPoint { Team = "FG", Email = "fg@vtz.example" } },
        },
        CertificateRequestPem = CertificateRequest(id),
        Hosting = NodeHosting.Shared,
        Agreements =
        {
            new Agreement
            {
                CovenantId = "zvh-zeeland", Name = "Convenant Zorg- en Veiligheidshuis Zeeland", PartyIds = { id, "politie-zwb" },
                ValidFrom = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            },
        },
    };

    /// <summary>A partner-hosted node at https://localhost:{port} with a server certificate of the test CA.</summary>
    public static PartnerApplication Hosted(string id, TestPki pki, int port = 7443)
    {
        var application = Shared(id);
        application.Hosting = NodeHosting.Partner;
        application.Endpoint = $"https://localhost:{port}";
        using var server = pki.Directory.IssueServer(id + "-node", ["localhost"], [IPAddress.Loopback]);
        application.ServerCertificatePem = server.ExportCertificatePem();
        return application;
    }

    /// <summary>A report as the conformance kit makes it, about the application's endpoint and server certificate.</summary>
    public static ConformanceReport Report(Partner partner, DateTimeOffset ranAt, params (string Id, CheckSeverity Severity, CheckOutcome Outcome)[] checks) => new()
    {
        Endpoint = partner.Node.Endpoint,
        ServerCertificateSha256 = partner.Node.ServerCertificate?.Sha256Thumbprint ?? string.Empty,
        RanAt = Timestamp.FromDateTimeOffset(ranAt),
        Checks = { checks.Select(c => new CheckResult { Id = c.Id, Severity = c.Severity, Outcome = c.Outcome, Reference = "docs/onboarding.md" }) },
    };
}
