using System.Security.Cryptography;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Node.Tests.Validation;

public sealed class DisclosureRequestValidatorTests
{
    private static readonly CallerIdentity Team = new("swt-tilburg");
    private readonly PseudonymCodec _codec = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void A_valid_pull_is_translated_to_exchange_pseudonyms_with_the_authenticated_organisation_as_requester()
    {
        var nora = _codec.FromBsn("123456782");
        var request = Valid();
        request.ActingFor = new SubjectRef { Pseudonym = _codec.ToOrganisation(_codec.FromBsn("111222333"), Team.OrganisationId) };

        var valid = DisclosureRequestValidator.Validate(request, Team, _codec);

        Assert.Equal(nora, valid.Subject);
        Assert.Equal(_codec.FromBsn("111222333"), valid.ActingFor);
        Assert.Equal(("swt-tilburg", "sociaal werker", "sw-0042"), (valid.Requester.OrganisationId, valid.Requester.Role, valid.Requester.ProfessionalId));
    }

    [Fact]
    public void Every_wrong_field_is_named_at_once_with_the_same_field_names_the_policy_service_uses()
    {
        var request = Valid();
        request.Subject = new SubjectRef { Pseudonym = _codec.ToOrganisation(_codec.FromBsn("123456782"), "politie-zwb") };
        request.Purpose = Purpose.Unspecified;
        request.Categories.Add(DataCategory.Unspecified);
        request.Requester.ProfessionalId = string.Empty;
        request.BreakGlass = new BreakGlass { Justification = " " };
        request.PayloadTypes.Add("police.v1.NoSuchThing");

        var failure = Assert.Throws<RpcException>(() => DisclosureRequestValidator.Validate(request, Team, _codec));

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal(
            ["subject.pseudonym", "purpose", "categories[1]", "break_glass.justification", "requester.professional_id", "payload_types[0]"],
            failure.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public void A_requester_that_is_not_the_authenticated_organisation_is_refused_as_acting_for_someone_else()
    {
        var request = Valid();
        request.Requester.OrganisationId = "politie-zwb";

        var failure = Assert.Throws<RpcException>(() => DisclosureRequestValidator.Validate(request, Team, _codec));

        Assert.Equal(StatusCode.PermissionDenied, failure.StatusCode);
        Assert.Equal(ReasonCodes.ActorMismatch, RpcErrors.ReasonOf(failure));
    }

    private DisclosureRequest Valid() => new()
    {
        Subject = new SubjectRef { Pseudonym = _codec.ToOrganisation(_codec.FromBsn("123456782"), Team.OrganisationId) },
        Purpose = Purpose.RecoveryPlanning,
        Categories = { DataCategory.Safety },
        Requester = new Actor { Role = "sociaal werker", ProfessionalId = "sw-0042" },
    };
}
