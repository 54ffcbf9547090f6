using Exchange.Contracts.V1;
using Exchange.Index.Tests.Support;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;

namespace Exchange.Index.Tests.Involvements;

public sealed class InvolvementsServiceTests : IDisposable
{
    private const string Nora = "123456782";
    private const string Child = "234567892";
    private const string Leo = "111222333";
    private readonly IndexFixture _index = new();

    public void Dispose() => _index.Dispose();

    [Fact]
    public async Task A_new_involvement_that_matches_an_existing_one_tells_both_organisations_about_each_other()
    {
        await Register("vt-mwb", Purpose.SafetyAssessment, "Team Onderzoek", Nora, Child, Leo);

        await Register("swt-tilburg", Purpose.RecoveryPlanning, "Wijkteam Noord", Nora, Child);

        var toVt = Match("vt-mwb");
        Assert.Equal("swt-tilburg", toVt.Other.OrganisationId);
        Assert.Equal("Wijkteam Noord", toVt.Other.ContactPoint.Team);
        Assert.Equal(new[] { _index.At("vt-mwb", Nora), _index.At("vt-mwb", Child) }.Order(), toVt.Subjects.Select(s => s.Pseudonym).Order());
        var toTeam = Match("swt-tilburg");
        Assert.Equal("vt-mwb", toTeam.Other.OrganisationId);
        Assert.Equal(Domain.VeiligThuis, toTeam.Other.Domain);
        Assert.Equal("Team Onderzoek", toTeam.Other.ContactPoint.Team);
    }

    [Fact]
    public async Task A_match_notice_is_a_decided_coordination_disclosure_of_the_involvement_only()
    {
        await Register("vt-mwb", Purpose.SafetyAssessment, "Team Onderzoek", Nora);
        await Register("swt-tilburg", Purpose.RecoveryPlanning, "Wijkteam Noord", Nora);

        Assert.Equal(2, _index.Authority.Decisions.Count);
        Assert.All(_index.Authority.Decisions, d =>
        {
            Assert.Equal(Purpose.Coordination, d.Purpose);
            Assert.Equal([DataCategory.Involvement], d.Categories);
        });
        Assert.Contains(_index.Authority.Decisions, d => d.HolderOrganisationId == "vt-mwb" && d.Recipient.OrganisationId == "swt-tilburg");
        Assert.Contains(_index.Authority.Decisions, d => d.HolderOrganisationId == "swt-tilburg" && d.Recipient.OrganisationId == "vt-mwb");
    }

    [Fact]
    public async Task A_match_the_policy_denies_is_not_told()
    {
        _index.Authority.Rule = d => d.Recipient.OrganisationId == "vt-mwb" ? Decision.Deny : Decision.Permit;
        await Register("vt-mwb", Purpose.SafetyAssessment, "Team Onderzoek", Nora);
        await Register("swt-tilburg", Purpose.RecoveryPlanning, "Wijkteam Noord", Nora);

        Assert.DoesNotContain(_index.Delivery.Calls, c => c.RecipientOrganisationId == "vt-mwb");
        Assert.Contains(_index.Delivery.Calls, c => c.RecipientOrganisationId == "swt-tilburg");
    }

    [Fact]
    public async Task No_notice_goes_out_when_nobody_else_is_involved()
    {
        await Register("swt-tilburg", Purpose.RecoveryPlanning, "Wijkteam Noord", Nora);

        Assert.Empty(_index.Delivery.Calls);
    }

    [Fact]
    public async Task A_lookup_answers_which_other_organisations_are_involved_with_their_contact_point()
    {
        await Register("vt-mwb", Purpose.SafetyAssessment, "Team Onderzoek", Nora);

        var answer = await _index.Service.Lookup(Lookup("swt-tilburg", Nora), new CallFrom("swt-tilburg"));

        Assert.True(answer.Hit);
        var organisation = Assert.Single(answer.Organisations);
        Assert.Equal("vt-mwb", organisation.OrganisationId);
        Assert.Equal("Team Onderzoek", organisation.ContactPoint.Team);
        // The lookup itself (the requester as holder of the question), then the involved holder's part.
        Assert.Equal(["swt-tilburg", "vt-mwb"], _index.Authority.Decisions.Select(d => d.HolderOrganisationId));
        Assert.All(_index.Authority.Decisions, d => Assert.Equal(DisclosureKind.Lookup, d.Kind));
    }

    [Fact]
    public async Task A_lookup_leaves_out_what_a_holder_denies()
    {
        _index.Authority.Rule = d => d.HolderOrganisationId == "vt-mwb" ? Decision.Deny : Decision.Permit;
        await Register("vt-mwb", Purpose.SafetyAssessment, "Team Onderzoek", Nora);

        var answer = await _index.Service.Lookup(Lookup("swt-tilburg", Nora), new CallFrom("swt-tilburg"));

        Assert.False(answer.Hit);
        Assert.Empty(answer.Organisations);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_lookup_that_may_not_be_made_is_refused_alike_whether_or_not_anyone_is_involved(bool involved)
    {
        _index.Authority.Rule = _ => Decision.Deny;
        if (involved)
        {
            await Register("vt-mwb", Purpose.SafetyAssessment, "Team Onderzoek", Nora);
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => _index.Service.Lookup(Lookup("swt-tilburg", Nora), new CallFrom("swt-tilburg")));

        Assert.Equal((StatusCode.PermissionDenied, "NO_ACTIVE_INVOLVEMENT"), (refused.StatusCode, RpcErrors.ReasonOf(refused)));
        // Only the question was decided: no holder's involvement was even read.
        Assert.Equal("swt-tilburg", Assert.Single(_index.Authority.Decisions).HolderOrganisationId);
    }

    [Fact]
    public async Task A_permitted_lookup_without_anyone_involved_is_a_decided_no_hit()
    {
        var answer = await _index.Service.Lookup(Lookup("swt-tilburg", Nora), new CallFrom("swt-tilburg"));

        Assert.False(answer.Hit);
        Assert.Equal("swt-tilburg", Assert.Single(_index.Authority.Decisions).HolderOrganisationId);
        Assert.Equal(Decision.Permit, answer.Receipt.Decision);
    }

    [Fact]
    public async Task A_lookup_that_cites_no_basis_is_decided_under_the_one_the_policy_chooses()
    {
        var request = Lookup("swt-tilburg", Nora);
        request.LegalBasis = null;

        var answer = await _index.Service.Lookup(request, new CallFrom("swt-tilburg"));

        Assert.Equal(Decision.Permit, answer.Receipt.Decision);
        Assert.Equal(string.Empty, Assert.Single(_index.Authority.Decisions).LegalBasis.Id);
    }

    [Fact]
    public async Task An_ended_involvement_no_longer_counts()
    {
        var involvement = await Register("vt-mwb", Purpose.SafetyAssessment, "Team Onderzoek", Nora);
        await _index.Service.End(new EndRequest { InvolvementId = involvement.Id }, new CallFrom("vt-mwb"));

        var answer = await _index.Service.Lookup(Lookup("swt-tilburg", Nora), new CallFrom("swt-tilburg"));

        Assert.False(answer.Hit);
    }

    [Fact]
    public async Task Only_the_organisation_that_registered_an_involvement_can_end_it()
    {
        var involvement = await Register("vt-mwb", Purpose.SafetyAssessment, "Team Onderzoek", Nora);

        var refused = await Assert.ThrowsAsync<RpcException>(() => _index.Service.End(new EndRequest { InvolvementId = involvement.Id }, new CallFrom("swt-tilburg")));

        Assert.Equal((StatusCode.NotFound, ReasonCodes.InvolvementNotFound), (refused.StatusCode, RpcErrors.ReasonOf(refused)));
    }

    [Fact]
    public async Task Registering_with_another_organisations_pseudonym_names_the_field()
    {
        var request = new RegisterRequest { Purpose = Purpose.RecoveryPlanning, ContactPoint = new ContactPoint { Team = "Noord" } };
        request.Subjects.Add(new SubjectRef { Pseudonym = _index.At("vt-mwb", Nora) });

        var refused = await Assert.ThrowsAsync<RpcException>(() => _index.Service.Register(request, new CallFrom("swt-tilburg")));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("subjects[0].pseudonym", Assert.Single(refused.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
    }

    private async Task<Involvement> Register(string organisation, Purpose purpose, string team, params string[] bsns)
    {
        var request = new RegisterRequest { Purpose = purpose, ContactPoint = new ContactPoint { Team = team } };
        request.Subjects.AddRange(bsns.Select(b => new SubjectRef { Pseudonym = _index.At(organisation, b) }));
        return (await _index.Service.Register(request, new CallFrom(organisation))).Involvement;
    }

    private LookupRequest Lookup(string organisation, string bsn) => new()
    {
        Subject = new SubjectRef { Pseudonym = _index.At(organisation, bsn) },
        LegalBasis = new LegalBasisRef { Id = "avg-6-1-e" },
        Requester = new Actor { Role = "sociaal werker", ProfessionalId = "sw-1" },
    };

    private InvolvementMatch Match(string recipient) =>
        _index.Delivery.Calls.Single(c => c.RecipientOrganisationId == recipient).Signal.Payload.Unpack<InvolvementMatch>();
}
