using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Bundle;

/// <summary>
/// The <c>signatures</c> section: who signed an agreement, as the partner registry records it. The policy service
/// writes it from the registry, so a partner onboarded later signs without the reviewed files changing.
/// </summary>
public sealed class BundleSignatureTests
{
    [Fact]
    public void A_signature_makes_the_partner_a_party_to_the_agreement_and_defines_it()
    {
        var bundle = TestBundle.Compile("signatures:\n  - {agreement: covenant, partner: vt-zeeland, name: Veilig Thuis Zeeland, domain: VEILIG_THUIS}\n");

        var agreement = Assert.Single(bundle.Definition.Agreements);
        Assert.Equal(["police", "vt", "social", "vt-zeeland"], agreement.Partners.Select(p => p.Id));
        Assert.Equal(Domain.VeiligThuis, bundle.DomainOf("vt-zeeland"));
    }

    [Fact]
    public void A_signature_of_a_partner_the_bundle_defines_adds_no_second_definition()
    {
        var bundle = TestBundle.Compile("signatures:\n  - {agreement: covenant, partner: outsider, name: Elsewhere, domain: SOCIAL_TEAM}\n");

        Assert.Single(bundle.Definition.Partners, p => p.Id == "outsider");
        Assert.Contains(Assert.Single(bundle.Definition.Agreements).Partners, p => p.Id == "outsider");
    }

    [Fact]
    public void A_signature_giving_another_domain_than_the_bundle_is_rejected_at_its_line()
    {
        var errors = TestBundle.Errors("signatures:\n  - {agreement: covenant, partner: outsider, name: Elsewhere, domain: POLICE}\n");

        var error = Assert.Single(errors);
        Assert.Equal(2, error.Location.Line);
        Assert.Contains("gives domain POLICE, but the bundle defines it as SOCIAL_TEAM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_under_an_agreement_the_policy_does_not_know_permits_nothing_and_breaks_nothing()
    {
        var bundle = TestBundle.Compile("signatures:\n  - {agreement: zvh-zeeland, partner: vt-zeeland, name: Veilig Thuis Zeeland, domain: VEILIG_THUIS}\n");

        Assert.DoesNotContain(Assert.Single(bundle.Definition.Agreements).Partners, p => p.Id == "vt-zeeland");
    }

    [Fact]
    public void The_bundle_hash_covers_the_signatures_so_a_decision_names_what_it_was_made_with()
    {
        var without = TestBundle.Compile();
        var with = TestBundle.Compile("signatures:\n  - {agreement: covenant, partner: vt-zeeland, name: Veilig Thuis Zeeland, domain: VEILIG_THUIS}\n");

        Assert.NotEqual(without.Hash, with.Hash);
    }
}
