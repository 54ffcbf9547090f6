using Exchange.Contracts.Classification;
using Exchange.Contracts.V1;
using Exchange.Index.Families;
using Exchange.Index.Hosting;
using Exchange.Disclosure.Delivery;
using Exchange.Disclosure.Pseudonyms;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Exchange.Index.Assessments;

/// <summary>
/// The safety assessments of every domain side by side. The index knows who holds one; each holder
/// is asked for it on the caller's behalf, so each part is that holder's own decided disclosure, and a
/// part the holder may not release is simply absent.
/// </summary>
public sealed class AssessmentsService(
    FamilyGraph families,
    PartnerCatalog partners,
    PeerChannels channels,
    PseudonymCodec codec,
    IOptions<IndexOptions> options) : Exchange.Contracts.V1.Assessments.AssessmentsBase
{
    public override async Task<ListSafetyAssessmentsResponse> ListSafetyAssessments(ListSafetyAssessmentsRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.From(context);
        var violations = new FieldViolations();
        var subject = codec.Translate(request.Subject, caller.OrganisationId, "subject.pseudonym", violations);
        violations.Require(request.Purpose != Purpose.Unspecified && Enum.IsDefined(request.Purpose), "purpose", "a known purpose is required");
        violations.Require(request.Requester is { ProfessionalId.Length: > 0, Role.Length: > 0 }, "requester", "the acting professional and role are required");
        violations.ThrowIfAny();

        var response = new ListSafetyAssessmentsResponse();
        foreach (var holder in families.CurrentAssessments([subject!]).GroupBy(a => a.Holder, StringComparer.Ordinal))
        {
            if (partners.Find(holder.Key)?.NodeAddress is not { } node)
            {
                continue;
            }

            var pull = new DisclosureRequest
            {
                Subject = request.Subject,
                Purpose = request.Purpose,
                LegalBasis = request.LegalBasis ?? new LegalBasisRef(),
                Requester = request.Requester,
                LatestOnly = true,
                Categories = { DataCategory.Safety },
            };
            pull.PayloadTypes.AddRange(holder.Select(a => a.PayloadType).Distinct(StringComparer.Ordinal));
            try
            {
                var answer = await new Disclosures.DisclosuresClient(channels.For(node)).RequestAsync(
                    pull, OnBehalfOf.Caller(context, holder.Key), DateTime.UtcNow.Add(options.Value.CallDeadline), context.CancellationToken);
                foreach (var record in answer.Records)
                {
                    response.Assessments.Add(View(record, partners.DomainOf(holder.Key), answer.Receipt.DecisionId));
                }
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.PermissionDenied)
            {
                // Left out without a word: naming the holder would tell that it holds an assessment, which is
                // itself data the policy did not release.
            }
        }

        response.Divergent = response.Assessments.Count >= 2
            && response.Assessments.Max(a => a.Score) - response.Assessments.Min(a => a.Score) >= options.Value.DivergenceThreshold;
        return response;
    }

    private static AssessmentView View(Signal record, Domain domain, string decisionId)
    {
        var view = new AssessmentView
        {
            HolderOrganisationId = record.HolderOrganisationId,
            Domain = domain,
            SignalId = record.Id,
            PayloadType = Payloads.TypeName(record.Payload),
            Provenance = record.Provenance,
            DecisionId = decisionId,
        };
        var reading = CaseFacts.Read(Payloads.Unpack(record.Payload));
        if (reading.IsSafetyAssessment)
        {
            view.Score = reading.Score ?? 0;
            view.AssessedAt = reading.AssessedAt;
            view.ViolenceType = reading.ViolenceType == ViolenceType.Unspecified ? string.Empty : reading.ViolenceType.ToString();
        }

        return view;
    }
}
