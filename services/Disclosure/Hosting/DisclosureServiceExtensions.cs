using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;
using Exchange.Disclosure.Delivery;
using Exchange.Disclosure.Flow;
using Exchange.Disclosure.Pseudonyms;
using Exchange.ServiceDefaults.Clients;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Disclosure.Hosting;

/// <summary>What a service that discloses data registers, be it a domain service or the index.</summary>
public static class DisclosureServiceExtensions
{
    /// <summary>
    /// What any service needs to disclose data: the policy service (decide, record releases), the
    /// disclosure flow, and delivery into inboxes on other services.
    /// </summary>
    public static IServiceCollection AddDisclosureClients(this IServiceCollection services, Func<IServiceProvider, Uri> policy, Func<IServiceProvider, TimeSpan> deadline)
    {
        services.AddSingleton<IDisclosureAuthority, PolicyAuthority>();
        services.AddSingleton<DisclosureFlow>();
        services.AddServiceCredentials();
        services.AddSingleton<PeerChannels>();
        services.AddSingleton<IInboxDelivery>(p => new InboxDelivery(p.GetRequiredService<PeerChannels>(), deadline(p)));
        services.AddExchangeClient<PolicyService.PolicyServiceClient>(policy, deadline);
        services.AddExchangeClient<LedgerService.LedgerServiceClient>(policy, deadline);
        return services;
    }

    public static IServiceCollection AddExchangePseudonyms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PseudonymOptions>()
            .Bind(configuration.GetSection(PseudonymOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Key) || !string.IsNullOrWhiteSpace(o.KeyFile), "Pseudonyms:Key or Pseudonyms:KeyFile is required")
            .ValidateOnStart();
        services.AddSingleton(p => new PseudonymCodec(p.GetRequiredService<IOptions<PseudonymOptions>>().Value.ResolveKey()));
        return services;
    }
}
