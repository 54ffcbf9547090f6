using Exchange.Contracts.Classification;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;

namespace Exchange.Node.Validation;

/// <summary>A checked pull request, with the subject translated to its exchange pseudonym.</summary>
public sealed record ValidDisclosureRequest(string Subject, string? ActingFor, Actor Requester);

public static class DisclosureRequestValidator
{
    public static ValidDisclosureRequest Validate(DisclosureRequest request, CallerIdentity caller, PseudonymCodec codec)
    {
        var violations = new FieldViolations();
        var subject = codec.Translate(request.Subject, caller.OrganisationId, "subject.pseudonym", violations);
        var actingFor = codec.Translate(request.ActingFor, caller.OrganisationId, "acting_for.pseudonym", violations, required: false);

        violations.Require(request.Purpose != Purpose.Unspecified && Enum.IsDefined(request.Purpose), "purpose", "a known purpose is required");
        violations.Require(request.Categories.Count > 0, "categories", "at least one data category is required");
        for (var i = 0; i < request.Categories.Count; i++)
        {
            var category = request.Categories[i];
            violations.Require(category != DataCategory.Unspecified && Enum.IsDefined(category), $"categories[{i}]", "unknown data category");
        }

        var requester = request.Requester;
        violations.Require(requester is { Role.Length: > 0 }, "requester.role", "the acting professional's role is required");
        violations.Require(requester is { ProfessionalId.Length: > 0 }, "requester.professional_id", "the acting professional is required");
        if (request.BreakGlass is not null)
        {
            violations.Require(!string.IsNullOrWhiteSpace(request.BreakGlass.Justification), "break_glass.justification", "break-glass needs a written justification");
        }

        for (var i = 0; i < request.PayloadTypes.Count; i++)
        {
            violations.Require(Payloads.ByName.ContainsKey(request.PayloadTypes[i]), $"payload_types[{i}]", "unknown payload type");
        }

        violations.ThrowIfAny();

        // Identity comes from the gateway, never from the body: a mismatch is an attempt to act as someone else.
        if (requester.OrganisationId.Length > 0 && requester.OrganisationId != caller.OrganisationId)
        {
            RpcErrors.PermissionDenied(ReasonCodes.ActorMismatch, "requester.organisation_id is not the authenticated organisation.");
        }

        return new ValidDisclosureRequest(subject!, actingFor, new Actor
        {
            OrganisationId = caller.OrganisationId,
            Role = requester.Role,
            ProfessionalId = requester.ProfessionalId,
        });
    }
}
