using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Exchange.Gateway.Identity;

/// <summary>The admitted partners as an immutable snapshot, replaced whole when the configuration changes.</summary>
public sealed class PartnerDirectory : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile FrozenDictionary<string, PartnerRoute> _partners;

    public PartnerDirectory(IOptionsMonitor<GatewayOptions> options)
    {
        _partners = Snapshot(options.CurrentValue);
        _subscription = options.OnChange(o => _partners = Snapshot(o));
    }

    public PartnerRoute? Find(string organisationId) => _partners.GetValueOrDefault(organisationId);

    public void Dispose() => _subscription?.Dispose();

    private static FrozenDictionary<string, PartnerRoute> Snapshot(GatewayOptions options) =>
        options.Partners.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
}
