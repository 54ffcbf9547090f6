using System.Security.Cryptography;
using Exchange.Disclosure.Pseudonyms;

namespace Exchange.Disclosure.Tests.Pseudonyms;

public sealed class PseudonymCodecTests
{
    private const string LeoBsn = "111222333";
    private const string NoraBsn = "123456782";
    private readonly PseudonymCodec _codec = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void The_same_person_has_a_stable_pseudonym_within_an_organisation()
    {
        var first = _codec.ToOrganisation(_codec.FromBsn(LeoBsn), "politie-zwb");
        var second = _codec.ToOrganisation(_codec.FromBsn(LeoBsn), "politie-zwb");

        Assert.Equal(first, second);
    }

    [Fact]
    public void The_same_person_has_a_different_pseudonym_at_each_organisation()
    {
        var exchange = _codec.FromBsn(LeoBsn);
        var pseudonyms = new[] { "politie-zwb", "vt-mwb", "rvdk-zuidwest", "swt-tilburg" }
            .Select(org => _codec.ToOrganisation(exchange, org))
            .ToList();

        Assert.Equal(pseudonyms.Count, pseudonyms.Distinct().Count());
    }

    [Fact]
    public void Different_people_have_different_pseudonyms() =>
        Assert.NotEqual(_codec.FromBsn(LeoBsn), _codec.FromBsn(NoraBsn));

    [Fact]
    public void An_organisation_pseudonym_translates_to_another_organisations_pseudonym_of_the_same_person()
    {
        var atPolice = _codec.ToOrganisation(_codec.FromBsn(NoraBsn), "politie-zwb");

        Assert.True(_codec.TryFromOrganisation(atPolice, "politie-zwb", out var exchange));
        Assert.Equal(_codec.ToOrganisation(_codec.FromBsn(NoraBsn), "vt-mwb"), _codec.ToOrganisation(exchange, "vt-mwb"));
    }

    [Fact]
    public void Another_organisations_pseudonym_is_not_accepted_as_ones_own()
    {
        var atPolice = _codec.ToOrganisation(_codec.FromBsn(NoraBsn), "politie-zwb");

        Assert.False(_codec.TryFromOrganisation(atPolice, "swt-tilburg", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-pseudonym")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("111222333")]
    public void Malformed_or_made_up_pseudonyms_are_rejected(string value) =>
        Assert.False(_codec.TryFromOrganisation(value, "politie-zwb", out _));

    [Fact]
    public void A_pseudonym_does_not_contain_the_bsn()
    {
        var exchange = _codec.FromBsn(LeoBsn);
        var organisation = _codec.ToOrganisation(exchange, "politie-zwb");

        Assert.DoesNotContain(LeoBsn, exchange, StringComparison.Ordinal);
        Assert.DoesNotContain(LeoBsn, organisation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_codec_with_another_key_gives_other_pseudonyms()
    {
        var other = new PseudonymCodec(RandomNumberGenerator.GetBytes(32));

        Assert.NotEqual(_codec.FromBsn(LeoBsn), other.FromBsn(LeoBsn));
    }
}
