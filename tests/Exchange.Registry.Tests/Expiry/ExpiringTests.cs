using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.Expiry;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Registry.Tests.Expiry;

/// <summary>What ends soon: certificates and covenants of partners on the exchange, soonest first.</summary>
public sealed class ExpiringTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Certificates_and_covenants_ending_within_the_window_are_listed_soonest_first_and_ended_ones_too()
    {
        var partner = new Partner
        {
            Id = "vt-zeeland",
            State = RegistrationState.Approved,
            Certificates = { Certificate(Now.AddDays(20)), Certificate(Now.AddDays(-3)), Certificate(Now.AddDays(5), revoked: true) },
            Node = new NodeLocation { Hosting = NodeHosting.Partner, Endpoint = "https://node.vtz.example", ServerCertificate = Certificate(Now.AddDays(10)) },
            Agreements = { new Agreement { CovenantId = "zvh-zeeland", Name = "ZVH", ValidTo = Timestamp.FromDateTimeOffset(Now.AddDays(29)) } },
        };
        var rejected = new Partner { Id = "vt-rejected", State = RegistrationState.Rejected, Certificates = { Certificate(Now.AddDays(1)) } };

        var items = Expiring.Within([partner, rejected], Now, 30);

        Assert.Equal([ExpiringKind.ClientCertificate, ExpiringKind.ServerCertificate, ExpiringKind.ClientCertificate, ExpiringKind.Agreement], items.Select(i => i.Kind));
        Assert.True(items[0].HasEnded(Now));
        Assert.All(items, i => Assert.Equal("vt-zeeland", i.PartnerId));
        Assert.DoesNotContain(Expiring.Within([partner], Now, 0), i => !i.HasEnded(Now));
    }

    private static Certificate Certificate(DateTimeOffset notAfter, bool revoked = false) => new()
    {
        Usage = CertificateUsage.Client,
        Subject = "CN=vt-zeeland",
        Sha256Thumbprint = "ab12",
        NotAfter = Timestamp.FromDateTimeOffset(notAfter),
        RevokedAt = revoked ? Timestamp.FromDateTimeOffset(Now) : null,
    };
}
