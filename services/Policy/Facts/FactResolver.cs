using System.Collections.Frozen;
using Exchange.Contracts.Index.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.Policy.Hosting;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Grpc.Core;
using Exchange.Registry.Client.Snapshots;
using Microsoft.Extensions.Options;

namespace Exchange.Policy.Facts;

/// <summary>
/// Resolves the facts a decision depends on: the partners' domains, and from the index the recipient's
/// involvement, case-conference membership, the family's violence-type indication, whether the professional
/// declared acting for the other parent, and whether the recipient's involvements in the family are with the
/// alleged perpetrator or the victim. Without the facts there is no decision: it fails closed.
/// </summary>
public sealed class FactResolver : IDisposable
{
    private readonly RoutingService.RoutingServiceClient index;
    private readonly IOptionsMonitor<PolicyOptions> _options;
    private readonly LiveSnapshot<PolicyOptions, FrozenDictionary<string, Domain>> _domains;

    public FactResolver(IOptionsMonitor<PolicyOptions> options, RoutingService.RoutingServiceClient index)
    {
        this.index = index;
        _options = options;
        _domains = new(options, Domains);
    }

    /// <summary>The partner's domain; unspecified for a partner the exchange does not admit (unknown, pending, suspended, revoked).</summary>
    public Domain DomainOf(string organisationId) => _domains.Current.GetValueOrDefault(organisationId);

    public void Dispose() => _domains.Dispose();

    /// <summary>
    /// The policy's partners as the registry describes them: approved ones, and pending ones whose node the
    /// conformance kit tests, have a domain; others have none, so nothing is decided for them. Partners only in
    /// configuration stay.
    /// </summary>
    public static void ApplyRegistry(PolicyOptions options, PartnerSnapshot snapshot) =>
        options.Partners = snapshot.Overlay(options.Partners, p => p.Id, partner =>
            partner.MayBeTested ? new PolicyPartner { Id = partner.Id, Domain = partner.Domain } : null);

    private static FrozenDictionary<string, Domain> Domains(PolicyOptions options) =>
        options.Partners.ToFrozenDictionary(p => p.Id, p => p.Domain, StringComparer.Ordinal);

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
            facts = await index.GetFactsAsync(query, deadline: DateTime.UtcNow + _options.CurrentValue.FactsDeadline, cancellationToken: cancellationToken);
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
