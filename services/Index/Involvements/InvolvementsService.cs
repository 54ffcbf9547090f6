using System.Security.Cryptography;
using System.Text;
using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Index.Families;
using Exchange.Index.Hosting;
using Exchange.Index.Routing;
using Exchange.Disclosure.Flow;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Disclosure.Validation;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Index.Involvements;

/// <summary>
/// Organisations register their own involvement with people; a match with another organisation's
/// involvement tells both who the other is and how to reach them, and nothing more.
/// </summary>
public sealed class InvolvementsService(
    InvolvementStore involvements,
    FamilyGraph families,
    PartnerCatalog partners,
    Notifier notifier,
    IDisclosureAuthority authority,
    PseudonymCodec codec,
    TimeProvider time) : Exchange.Contracts.V1.Involvements.InvolvementsBase
{
    public override async Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        var violations = new FieldViolations();
        var subjects = codec.TranslateAll(request.Subjects, caller.OrganisationId, "subjects", violations);
        violations.Require(request.ContactPoint is { Team.Length: > 0 }, "contact_point.team", "the team to contact is required");
        violations.Require(request.Purpose != Purpose.Unspecified && System.Enum.IsDefined(request.Purpose), "purpose", "why the organisation is involved is required");
        if (request.Period is not null)
        {
            PeriodChecks.Require(violations, request.Period, "period", endRequired: false);
        }

        violations.ThrowIfAny();

        var now = time.GetUtcNow();
        var involvement = new InvolvementRecord(
            Guid.CreateVersion7().ToString(),
            caller.OrganisationId,
            request.Purpose,
            request.ContactPoint,
            request.Period?.Start?.ToDateTimeOffset() ?? now,
            request.Period?.End?.ToDateTimeOffset(),
            null,
            subjects);
        var matches = involvements.ActiveWith(subjects, now).Where(i => i.OrganisationId != caller.OrganisationId).ToList();

        involvements.Add(involvement);
        var household = new RecordSignalFactsRequest { SignalId = "involvement:" + involvement.Id, HolderOrganisationId = caller.OrganisationId };
        household.Subjects.AddRange(subjects);
        families.Record(household);
        try
        {
            foreach (var match in matches.GroupBy(m => m.OrganisationId))
            {
                var other = match.First();
                var overlap = subjects.Intersect(match.SelectMany(m => m.Subjects), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                await NotifyMatchAsync(involvement, other, overlap, context.CancellationToken);
                await NotifyMatchAsync(other, involvement, overlap, context.CancellationToken);
            }
        }
        catch (RpcException)
        {
            // All or nothing: an involvement whose match could not be told to both sides is not registered.
            involvements.End(involvement.Id, now);
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.PolicyUnavailable, "The involvement could not be matched safely and was not registered; try again.");
        }

        return new RegisterResponse { Involvement = ToContract(involvement, caller.OrganisationId) };
    }

    public override Task<EndResponse> End(EndRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        if (request.InvolvementId.Length == 0)
        {
            RpcErrors.InvalidArgument("involvement_id", "is required");
        }

        var involvement = involvements.Get(request.InvolvementId);
        if (involvement is null || involvement.OrganisationId != caller.OrganisationId)
        {
            // Another organisation's involvement is answered as if there were none: its id tells nothing.
            RpcErrors.NotFound(ReasonCodes.InvolvementNotFound, "No involvement of your organisation has that id.");
        }

        var now = time.GetUtcNow();
        involvements.End(involvement.Id, now);
        return Task.FromResult(new EndResponse { Involvement = ToContract(involvement with { EndedAt = now }, caller.OrganisationId) });
    }

    public override async Task<LookupResponse> Lookup(LookupRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        var violations = new FieldViolations();
        List<string> subject = codec.Translate(request.Subject, caller.OrganisationId, "subject.pseudonym", violations) is { } one ? [one] : [];
        violations.Require(request.Requester is { ProfessionalId.Length: > 0 }, "requester.professional_id", "the acting professional is required");
        violations.ThrowIfAny();

        var recipient = new Actor { OrganisationId = caller.OrganisationId, Role = request.Requester.Role, ProfessionalId = request.Requester.ProfessionalId };
        // Usually no basis is cited: each holder tells under its own task, which the policy chooses.
        var permitted = await DecideLookupAsync(recipient, subject, request.LegalBasis?.Id ?? string.Empty, context.CancellationToken);
        var response = new LookupResponse();
        foreach (var involvement in involvements.ActiveWith(subject, time.GetUtcNow())
                     .Where(i => i.OrganisationId != caller.OrganisationId)
                     .GroupBy(i => i.OrganisationId)
                     .Select(g => g.First()))
        {
            var disclosed = await notifier.DiscloseAsync(
                involvement.OrganisationId, recipient, subject, Purpose.Coordination, request.LegalBasis?.Id ?? string.Empty,
                DataCategory.Involvement, DisclosureKind.Lookup,
                partners.Describe(involvement.OrganisationId, involvement.ContactPoint), context.CancellationToken);
            if (disclosed is { } released)
            {
                response.Organisations.Add((InvolvedOrganisation)released.Payload);
                response.Receipts.Add(released.Disclosed.Receipt);
            }
        }

        response.Hit = response.Organisations.Count > 0;
        response.Receipt = response.Receipts.FirstOrDefault() ?? permitted;
        return response;
    }

    /// <summary>
    /// Whether the requester may look up at all, decided (and in the ledger) before any involvement is read, from
    /// what it states and its own standing only: the requester as holder of the question. A lookup that may not be
    /// made is refused with the policy's reason, the same whether or not anyone is involved, so that a refusal
    /// tells nothing a no-hit would not; a permitted one answers hit or no-hit, each holder deciding its own part.
    /// </summary>
    private async Task<DisclosureReceipt> DecideLookupAsync(Actor recipient, IReadOnlyList<string> subject, string legalBasis, CancellationToken cancellationToken)
    {
        var request = new DecideRequest
        {
            HolderOrganisationId = recipient.OrganisationId,
            Recipient = recipient,
            Purpose = Purpose.Coordination,
            LegalBasis = new LegalBasisRef { Id = legalBasis },
            Categories = { DataCategory.Involvement },
            Kind = DisclosureKind.Lookup,
            PayloadType = InvolvedOrganisation.Descriptor.FullName,
        };
        request.Subjects.AddRange(subject.Select(s => new SubjectRef { Pseudonym = s }));
        var decision = await authority.DecideAsync(request, cancellationToken);
        if (decision.Decision is not (Decision.Permit or Decision.PartialPermit))
        {
            RpcErrors.PermissionDenied(
                decision.ReasonCode.Length > 0 ? decision.ReasonCode : ReasonCodes.DeniedByPolicy,
                "The lookup is not permitted; the refusal is recorded in the ledger.",
                new Dictionary<string, string> { ["decision_id"] = decision.DecisionId, ["bundle_hash"] = decision.BundleHash });
        }

        var receipt = new DisclosureReceipt
        {
            DecisionId = decision.DecisionId,
            Decision = decision.Decision,
            Purpose = Purpose.Coordination,
            LegalBasis = new LegalBasisRef { Id = legalBasis },
        };
        receipt.Released.AddRange(decision.Released);
        receipt.Denied.AddRange(decision.Denied);
        receipt.Obligations.AddRange(decision.Obligations);
        receipt.LedgerSequences.AddRange(decision.LedgerSequences);
        receipt.LedgerCheckpoint = decision.LedgerCheckpoint;
        return receipt;
    }

    /// <summary>Tells <paramref name="recipient"/>'s organisation that <paramref name="other"/> is involved too, with its contact point.</summary>
    private async Task NotifyMatchAsync(InvolvementRecord recipient, InvolvementRecord other, IReadOnlyList<string> overlap, CancellationToken cancellationToken)
    {
        var match = new InvolvementMatch { Other = partners.Describe(other.OrganisationId, other.ContactPoint) };
        match.Subjects.AddRange(overlap.Select(s => new SubjectRef { Pseudonym = s }));
        var disclosed = await notifier.DiscloseAsync(
            other.OrganisationId, new Actor { OrganisationId = recipient.OrganisationId }, overlap, Purpose.Coordination, string.Empty,
            DataCategory.Involvement, DisclosureKind.Push, match, cancellationToken);
        if (disclosed is not { } released)
        {
            return;
        }

        // The same match told twice (a retried registration) lands once.
        var key = $"match:{recipient.OrganisationId}:{other.OrganisationId}:{Fingerprint(overlap)}";
        await notifier.DeliverAsync(recipient.OrganisationId, key, released.Disclosed.Records[0].Subjects, released.Payload, released.Disclosed.Receipt, cancellationToken);
    }

    private Involvement ToContract(InvolvementRecord record, string organisationId)
    {
        var involvement = new Involvement
        {
            Id = record.Id,
            OrganisationId = record.OrganisationId,
            ContactPoint = record.ContactPoint,
            Purpose = record.Purpose,
            Period = new Period
            {
                Start = Timestamp.FromDateTimeOffset(record.Start),
                End = record.EndedAt is { } ended ? Timestamp.FromDateTimeOffset(ended) : record.End is { } end ? Timestamp.FromDateTimeOffset(end) : null,
            },
        };
        involvement.Subjects.AddRange(record.Subjects.Select(s => new SubjectRef { Pseudonym = codec.ToOrganisation(s, organisationId) }));
        return involvement;
    }

    private static string Fingerprint(IEnumerable<string> subjects) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', subjects))))[..16];
}
