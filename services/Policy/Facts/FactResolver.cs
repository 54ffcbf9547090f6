using System.Collections.Frozen;
using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Hosting;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Exchange.Policy.Facts;

/// <summary>
/// Resolves the facts a decision depends on: the partners' domains, and from the index the recipient's
/// involvement, case-conference membership, the family's violence-type indication, whether the professional
/// declared acting for the other parent, and whether the recipient's involvements in the family are with the
/// alleged perpetrator or the victim. Without the facts there is no decision: it fails closed.
/// </summary>
public sealed class FactResolver(IOptions<PolicyOptions> options, RoutingService.RoutingServiceClient index)
{
    private readonly FrozenDictionary<string, Domain> _domains =
        options.Value.Partners.ToFrozenDictionary(p => p.Id, p => p.Domain, StringComparer.Ordinal);

    public Domain DomainOf(string organisationId) => _domains.GetValueOrDefault(organisationId);

    public async Task<DecisionFacts> ResolveAsync(DecideRequest request, CancellationToken cancellationToken)
    {
        var holderDomain = DomainOf(request.HolderOrganisationId);
        var recipient = request.Recipient?.OrganisationId ?? string.Empty;
        var recipientDomain = DomainOf(recipient);
        if (recipient.Length == 0 || request.Subjects.Count == 0 || recipientDomain == Domain.Unspecified)
        {
            // Nothing to look up: the engine names the missing or unknown field.
            return new DecisionFacts(holderDomain, recipientDomain, false, false, default, false);
        }

        var query = new GetFactsRequest { RecipientOrganisationId = recipient, ActingFor = request.ActingFor?.Pseudonym ?? string.Empty };
        query.Subjects.AddRange(request.Subjects.Select(s => s.Pseudonym));
        GetFactsResponse facts;
        try
        {
            facts = await index.GetFactsAsync(query, deadline: DateTime.UtcNow + options.Value.FactsDeadline, cancellationToken: cancellationToken);
        }
        catch (RpcException)
        {
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.IndexUnavailable, "The facts this decision depends on could not be had; nothing was decided.");
        }

        return new DecisionFacts(
            holderDomain,
            recipientDomain,
            facts.RecipientInvolved,
            facts.RecipientInCaseConference,
            facts.ViolenceType,
            facts.ActingForOtherParent,
            facts.RecipientInvolvedWithAllegedPerpetrator,
            facts.RecipientInvolvedWithVictim);
    }
}
