using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Registry;
using Exchange.Policy.Tests.Support;
using Exchange.Registry.Client.Snapshots;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Policy.Tests.Host;

/// <summary>The signatures the policy service writes from the registry into the bundle it decides on.</summary>
public sealed class RegistryBundleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_approved_partner_signs_the_agreements_it_registered_and_a_revoked_one_signs_none()
    {
        var file = RegistryBundle.Signatures(Snapshot(
            Partner("vt-zeeland", RegistrationState.Approved, "covenant"),
            Partner("gone", RegistrationState.Revoked, "covenant")), Now);

        var agreement = Assert.Single(TestBundle.Compile(Text(file)).Definition.Agreements);
        Assert.Contains(agreement.Partners, p => p.Id == "vt-zeeland");
        Assert.DoesNotContain(agreement.Partners, p => p.Id == "gone");
    }

    [Fact]
    public void A_registered_agreement_that_has_ended_is_not_signed()
    {
        var file = RegistryBundle.Signatures(Snapshot(Partner("vt-zeeland", RegistrationState.Approved, "covenant", ended: Now.AddDays(-1))), Now);

        Assert.DoesNotContain(Assert.Single(TestBundle.Compile(Text(file)).Definition.Agreements).Partners, p => p.Id == "vt-zeeland");
    }

    [Fact]
    public void A_name_with_yaml_syntax_in_it_is_read_back_exactly()
    {
        const string Name = "Veilig Thuis: Zeeland & \"Walcheren\" # [regio]";
        var file = RegistryBundle.Signatures(Snapshot(Partner("vt-zeeland", RegistrationState.Approved, "covenant", name: Name)), Now);

        Assert.Equal(Name, Assert.Single(TestBundle.Compile(Text(file)).Definition.Partners, p => p.Id == "vt-zeeland").Name);
    }

    private static string Text(BundleFile file) => global::System.Text.Encoding.UTF8.GetString(file.Content.Span);

    private static PartnerSnapshot Snapshot(params Exchange.Contracts.Registry.V1.Partner[] partners)
    {
        var snapshot = new RegistrySnapshot { Revision = 1 };
        snapshot.Partners.AddRange(partners);
        return PartnerSnapshot.From(snapshot);
    }

    private static Exchange.Contracts.Registry.V1.Partner Partner(string id, RegistrationState state, string covenant, DateTimeOffset? ended = null, string? name = null)
    {
        var partner = new Exchange.Contracts.Registry.V1.Partner
        {
            Id = id,
            Name = name ?? id,
            Domain = Domain.VeiligThuis,
            State = state,
            Node = new NodeLocation { Hosting = NodeHosting.Shared },
        };
        partner.Agreements.Add(new Agreement
        {
            CovenantId = covenant,
            Name = covenant,
            ValidFrom = Timestamp.FromDateTimeOffset(Now.AddYears(-1)),
            ValidTo = ended is { } end ? Timestamp.FromDateTimeOffset(end) : null,
        });
        return partner;
    }
}
