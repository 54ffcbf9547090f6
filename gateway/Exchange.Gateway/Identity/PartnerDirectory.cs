using System.Collections.Frozen;
using Exchange.ServiceDefaults.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Gateway.Identity;

/// <summary>The admitted partners as an immutable snapshot, replaced whole when the configuration changes.</summary>
public sealed class PartnerDirectory(IOptionsMonitor<GatewayOptions> options) : IDisposable
{
    private readonly LiveSnapshot<GatewayOptions, FrozenDictionary<string, PartnerRoute>> _partners = new(options, Snapshot);

    public PartnerRoute? Find(string organisationId) => _partners.Current.GetValueOrDefault(organisationId);

    public void Dispose() => _partners.Dispose();

    private static FrozenDictionary<string, PartnerRoute> Snapshot(GatewayOptions options) =>
        options.Partners.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
}
