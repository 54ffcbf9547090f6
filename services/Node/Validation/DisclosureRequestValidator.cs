using Exchange.Contracts.Classification;
using Exchange.Contracts.Disclosures;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Pseudonyms;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;

namespace Exchange.Node.Validation;

/// <summary>A checked pull request, with the subject translated to its exchange pseudonym.</summary>
public sealed record ValidDisclosureRequest(string Subject, string? ActingFor, Actor Requester);

/// <summary>
/// Checks a pull before anything is looked up: the subject and the person acted for are the caller's own pseudonyms,
/// the acting professional is named, the payload types exist, and the rules every disclosure request meets
/// (<see cref="DisclosureRequestRules"/>, the same the policy service applies); then that the requester is the
/// authenticated organisation. Every wrong field is named at once.
/// </summary>
public static class DisclosureRequestValidator
{
    public static ValidDisclosureRequest Validate(DisclosureRequest request, CallerIdentity caller, PseudonymCodec codec)
    {
        var violations = new FieldViolations();
        var subject = codec.Translate(request.Subject, caller.OrganisationId, "subject.pseudonym", violations);
        var actingFor = codec.Translate(request.ActingFor, caller.OrganisationId, "acting_for.pseudonym", violations, required: false);

        var sink = new Sink(violations);
        DisclosureRequestRules.Check(request.Purpose, request.Categories, request.BreakGlass, ref sink);

        var requester = request.Requester;
        violations.Require(requester is { Role.Length: > 0 }, "requester.role", "the acting professional's role is required");
        violations.Require(requester is { ProfessionalId.Length: > 0 }, "requester.professional_id", "the acting professional is required");

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

    private readonly struct Sink(FieldViolations violations) : IViolationSink
    {
        public void Add(string field, string description) => violations.Add(field, description);
    }
}
