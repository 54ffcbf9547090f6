using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Facts;
using Exchange.Policy.Hosting;
using Exchange.ServiceDefaults.Errors;
using Exchange.Testing;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Exchange.Policy.Tests.Host;

public sealed class FactResolverTests
{
    private readonly FakeFacts _index = new();

    private FactResolver Resolver() => new(
        new SettableOptions<PolicyOptions>(new PolicyOptions
        {
            BundleDirectory = Repository.Path("policies"),
            Partners =
            [
                new PolicyPartner { Id = "vt-mwb", Domain = Domain.VeiligThuis },
                new PolicyPartner { Id = "swt-tilburg", Domain = Domain.SocialTeam },
            ],
        }),
        _index);

    [Fact]
    public async Task The_partners_domains_come_from_the_policy_service_and_the_case_facts_from_the_index()
    {
        _index.Answer = new GetFactsResponse
        {
            RecipientDomain = Domain.Police,
            RecipientInvolved = true,
            ViolenceType = ViolenceType.IntimateTerror,
            RecipientInvolvedWithAllegedPerpetrator = true,
        };

        var facts = await Resolver().ResolveAsync(Request("swt-tilburg", actingFor: "leo"), TestContext.Current.CancellationToken);

        Assert.Equal((Domain.VeiligThuis, Domain.SocialTeam), (facts.HolderDomain, facts.RecipientDomain));
        Assert.True(facts.RecipientInvolved);
        Assert.Equal(ViolenceType.IntimateTerror, facts.ViolenceType);
        Assert.True(facts.RecipientInvolvedWithAllegedPerpetrator);
        Assert.False(facts.RecipientInvolvedWithVictim);
        Assert.True(facts.OnOtherParentsSide);
        var asked = Assert.Single(_index.Asked);
        Assert.Equal("swt-tilburg", asked.RecipientOrganisationId);
        Assert.Equal(["nora", "kid"], asked.Subjects);
        Assert.Equal("leo", asked.ActingFor);
    }

    [Fact]
    public async Task An_unknown_recipient_is_not_looked_up_so_the_engine_names_the_field()
    {
        var facts = await Resolver().ResolveAsync(Request("nobody"), TestContext.Current.CancellationToken);

        Assert.Equal(Domain.Unspecified, facts.RecipientDomain);
        Assert.Empty(_index.Asked);
    }

    [Fact]
    public async Task Without_the_index_there_are_no_facts_and_no_decision()
    {
        _index.Unreachable = true;

        var failure = await Assert.ThrowsAsync<RpcException>(() => Resolver().ResolveAsync(Request("swt-tilburg"), TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(ReasonCodes.IndexUnavailable, RpcErrors.ReasonOf(failure));
    }

    private static DecideRequest Request(string recipient, string? actingFor = null)
    {
        var request = new DecideRequest
        {
            HolderOrganisationId = "vt-mwb",
            Recipient = new Actor { OrganisationId = recipient },
            Subjects = { new SubjectRef { Pseudonym = "nora" }, new SubjectRef { Pseudonym = "kid" } },
            Purpose = Purpose.RecoveryPlanning,
            Categories = { DataCategory.Safety },
            Kind = DisclosureKind.Push,
        };
        if (actingFor is not null)
        {
            request.ActingFor = new SubjectRef { Pseudonym = actingFor };
        }

        return request;
    }
}
