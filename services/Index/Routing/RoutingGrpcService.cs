using Exchange.Contracts.Index.V1;
using Exchange.Index.Families;
using Exchange.Index.Hosting;
using Exchange.Index.Assessments;
using Exchange.Index.Involvements;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;

namespace Exchange.Index.Routing;

/// <summary>Internal: recipients for a signal, facts for a decision, and what a signal tells about a family.</summary>
public sealed class RoutingGrpcService(
    InvolvementStore involvements,
    FamilyGraph families,
    PartnerCatalog partners,
    DivergenceWatch divergence,
    TimeProvider time) : RoutingService.RoutingServiceBase
{
    public override Task<FindRecipientsResponse> FindRecipients(FindRecipientsRequest request, ServerCallContext context)
    {
        var response = new FindRecipientsResponse();
        foreach (var organisation in involvements.ActiveWith(request.Subjects, time.GetUtcNow())
                     .Where(i => i.OrganisationId != request.HolderOrganisationId)
                     .GroupBy(i => i.OrganisationId, StringComparer.Ordinal))
        {
            if (partners.Find(organisation.Key)?.NodeAddress is not { } node)
            {
                continue;
            }

            // A case conference membership is not a reason to push; the organisation's working involvement is.
            var working = organisation.Where(i => i.Purpose != Contracts.V1.Purpose.CaseConference).ToList();
            var involvement = working.Count > 0 ? working[0] : organisation.First();
            var recipient = new Recipient { OrganisationId = organisation.Key, Purpose = involvement.Purpose, NodeAddress = node.ToString() };
            recipient.Subjects.AddRange(organisation.SelectMany(i => i.Subjects).Intersect(request.Subjects, StringComparer.Ordinal).Distinct(StringComparer.Ordinal));
            response.Recipients.Add(recipient);
        }

        return Task.FromResult(response);
    }

    public override Task<GetFactsResponse> GetFacts(GetFactsRequest request, ServerCallContext context)
    {
        if (request.RecipientOrganisationId.Length == 0)
        {
            RpcErrors.InvalidArgument("recipient_organisation_id", "is required");
        }

        // Every decision asks this: the family is looked up once and every fact read from it, the recipient's
        // involvements with anyone in the family among them (a side in the family is more than the subjects asked about).
        var family = families.FamilyOf(request.Subjects);
        var recipients = involvements.ActiveWith(family, time.GetUtcNow())
            .Where(i => i.OrganisationId == request.RecipientOrganisationId)
            .ToList();
        var working = recipients.Where(i => i.Purpose != Contracts.V1.Purpose.CaseConference).SelectMany(i => i.Subjects).ToHashSet(StringComparer.Ordinal);
        var conference = recipients.Where(i => i.Purpose == Contracts.V1.Purpose.CaseConference).SelectMany(i => i.Subjects);
        var (perpetrators, victims) = families.RolesIn(family);
        return Task.FromResult(new GetFactsResponse
        {
            RecipientDomain = partners.DomainOf(request.RecipientOrganisationId),
            RecipientInvolved = request.Subjects.Any(working.Contains),
            RecipientInCaseConference = conference.Intersect(request.Subjects, StringComparer.Ordinal).Any(),
            ViolenceType = families.ViolenceTypeIn(family),
            ActingForOtherParent = families.IsOtherParentSide(request.ActingFor, request.Subjects, family),
            RecipientInvolvedWithAllegedPerpetrator = perpetrators.Overlaps(working),
            RecipientInvolvedWithVictim = victims.Overlaps(working),
        });
    }

    public override async Task<RecordSignalFactsResponse> RecordSignalFacts(RecordSignalFactsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations()
            .Require(request.SignalId.Length > 0, "signal_id", "is required")
            .Require(request.Subjects.Count > 0, "subjects", "at least one subject is required");
        violations.ThrowIfAny();
        families.Record(request);
        if (request.HasAssessmentScore)
        {
            await divergence.CheckAsync(request.Subjects, context.CancellationToken);
        }

        return new RecordSignalFactsResponse();
    }
}
