using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.Registry.Client.Following;
using Exchange.Registry.Client.Snapshots;
using Exchange.ServiceDefaults.Security;
using Microsoft.Extensions.Primitives;

namespace Exchange.Identity.Clients;

/// <summary>
/// Keeps the partners' system clients in line with the registry: an approved partner (or a pending one whose own
/// node the conformance kit tests) gets a client (its id is the partner's id) for its registered, unrevoked client
/// certificates with the partner scopes; a partner in any other state loses it, so that it obtains no new token. Clients of the configuration (administrators, the console,
/// privacy officers) are left alone.
/// </summary>
public sealed partial class RegistryClients(IPartnerSnapshots snapshots, IServiceScopeFactory scopes, ILogger<RegistryClients> logger) : BackgroundService
{
    private readonly SemaphoreSlim _changed = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = ChangeToken.OnChange(snapshots.GetChangeToken, () => _changed.Release());
        ulong applied = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var snapshot = snapshots.Current;
            if (!ReferenceEquals(snapshot, PartnerSnapshot.Empty) && snapshot.Revision != applied)
            {
                try
                {
                    await ApplyAsync(snapshot, stoppingToken);
                    applied = snapshot.Revision;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The next change, or the next start, tries again; until then the clients stay as they were.
                    LogFailed(logger, snapshot.Revision, exception.GetType().Name);
                }
            }

            try
            {
                await _changed.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _changed.Dispose();
    }

    private async Task ApplyAsync(PartnerSnapshot snapshot, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var registrar = scope.ServiceProvider.GetRequiredService<ClientRegistrar>();
        foreach (var partner in snapshot.Partners.Values.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            if (partner.MayBeTested && partner.ClientCertificatePems.Count > 0)
            {
                await registrar.RegisterAsync(ClientOf(partner), cancellationToken);
            }
            else
            {
                await registrar.RemoveAsync(partner.Id, cancellationToken);
            }

            // A partner that runs its own node calls the exchange's internal RPCs as that node, for itself only.
            if (partner.MayBeTested && partner.Hosting == NodeHosting.Partner && partner.ClientCertificatePems.Count > 0)
            {
                await registrar.RegisterAsync(NodeClientOf(partner), cancellationToken);
            }
            else
            {
                await registrar.RemoveAsync(NodeClientId(partner.Id), cancellationToken);
            }
        }

        LogApplied(logger, snapshot.Revision);
    }

    public static ClientRegistration ClientOf(RegisteredPartner partner) => new()
    {
        ClientId = partner.Id,
        Kind = ClientKind.System,
        DisplayName = partner.Name,
        OrganisationId = partner.Id,
        Domain = DomainNames.ToName(partner.Domain),
        CertificatePems = partner.ClientCertificatePems,
        Scopes = ExchangeScopes.Partner,
    };

    /// <summary>The client id of a partner-hosted node's own client.</summary>
    public static string NodeClientId(string partnerId) => partnerId + "-node";

    /// <summary>
    /// A partner-hosted node's client for its internal calls (decisions, ledger appends, index facts, deliveries):
    /// the partner's own certificates, the node role, and only the partner itself as the holder it may act for.
    /// </summary>
    public static ClientRegistration NodeClientOf(RegisteredPartner partner) => new()
    {
        ClientId = NodeClientId(partner.Id),
        Kind = ClientKind.System,
        DisplayName = partner.Name + " (eigen node)",
        OrganisationId = partner.Id,
        Domain = DomainNames.ToName(partner.Domain),
        CertificatePems = partner.ClientCertificatePems,
        Scopes = [ExchangeScopes.Internal],
        ServiceRole = ServiceRoles.ToName(ServiceRole.Node),
        ActsFor = [partner.Id],
    };

    [LoggerMessage(EventId = 4040, Level = LogLevel.Information, Message = "Partner clients follow registry revision {Revision}")]
    private static partial void LogApplied(ILogger logger, ulong revision);

    [LoggerMessage(EventId = 4041, Level = LogLevel.Warning, Message = "Partner clients could not follow registry revision {Revision} ({Error}); they stay as they were")]
    private static partial void LogFailed(ILogger logger, ulong revision, string error);
}
