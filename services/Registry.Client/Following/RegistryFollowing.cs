using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.Snapshots;
using Exchange.ServiceDefaults.Clients;
using Exchange.ServiceDefaults.Hosting;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Exchange.Registry.Client.Following;

/// <summary>Where a service follows the registry from, and with which client certificate (the registry requires one).</summary>
public sealed record RegistryFollowerOptions
{
    public const string Section = "RegistryFollower";

    public Uri? Address { get; init; }

    /// <summary>The exchange CA the registry's server certificate must chain to.</summary>
    public string? CaPath { get; init; }

    public string? CertificatePath { get; init; }

    public string? KeyPath { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Address is null)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(CaPath) || string.IsNullOrWhiteSpace(CertificatePath) || string.IsNullOrWhiteSpace(KeyPath))
        {
            yield return $"{Section}:CaPath, CertificatePath and KeyPath are required with {Section}:Address.";
        }
    }
}

/// <summary>The partners as the registry last described them, and a token that fires when that changes.</summary>
public interface IPartnerSnapshots
{
    /// <summary><see cref="PartnerSnapshot.Empty"/> until the registry has answered once.</summary>
    PartnerSnapshot Current { get; }

    IChangeToken GetChangeToken();
}

/// <summary>
/// Lets a service derive its partner options from the registry: when <c>RegistryFollower:Address</c> is set, the
/// service follows the registry and each options type registered with <see cref="FollowRegistry{TOptions}"/> is
/// rebuilt from the latest snapshot whenever it changes (the options monitor's change token is the snapshot's).
/// Without an address the service runs on its configuration alone, as unit harnesses do.
/// </summary>
public static class RegistryFollowing
{
    public static bool IsFollowing(IConfiguration configuration) =>
        configuration.GetSection(RegistryFollowerOptions.Section).Get<RegistryFollowerOptions>()?.Address is not null;

    /// <summary>
    /// Applies <paramref name="apply"/> to every new <typeparamref name="TOptions"/> once the registry has answered,
    /// so what the service derives from those options (routes, directories, catalogues) follows the registry.
    /// </summary>
    public static IServiceCollection FollowRegistry<TOptions>(this IServiceCollection services, IConfiguration configuration, Action<TOptions, PartnerSnapshot> apply)
        where TOptions : class
    {
        if (!IsFollowing(configuration))
        {
            return services;
        }

        services.AddRegistryFollower();
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(provider => new SnapshotChangeTokenSource<TOptions>(provider.GetRequiredService<IPartnerSnapshots>()));
        services.AddSingleton<IPostConfigureOptions<TOptions>>(provider =>
        {
            var snapshots = provider.GetRequiredService<IPartnerSnapshots>();
            return new PostConfigureOptions<TOptions>(Options.DefaultName, options =>
            {
                if (!ReferenceEquals(snapshots.Current, PartnerSnapshot.Empty))
                {
                    apply(options, snapshots.Current);
                }
            });
        });
        return services;
    }

    /// <summary>The watcher (once per service), its channel over mutual TLS, and its hosting.</summary>
    public static IServiceCollection AddRegistryFollower(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(RegistryWatcher)))
        {
            return services;
        }

        services.AddOptions<RegistryFollowerOptions>().BindConfiguration(RegistryFollowerOptions.Section)
            .Validate(o => !o.Validate().Any(), $"{RegistryFollowerOptions.Section}:CaPath, CertificatePath and KeyPath are required with an Address.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddServiceCredentials();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<RegistryFollowerOptions>>().Value;
            var trust = TrustStore.Load(options.CaPath!);
            var certificate = X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath!);
            var channel = GrpcChannel.ForAddress(options.Address!, ChannelBackoff.Apply(new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    // The registry's stream stays open for the service's lifetime; keep-alive notices a dead peer.
                    KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                    KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                    SslOptions =
                    {
                        ClientCertificates = new X509CertificateCollection { certificate },
                        RemoteCertificateValidationCallback = (_, server, _, errors) => trust.ValidatesServer(server, errors),
                    },
                },
                DisposeHttpClient = true,
            }));
            // WatchPartners is an internal RPC: the service's own bound token rides on the follower's certificate.
            return new RegistryWatcher(
                new RegistryService.RegistryServiceClient(channel.Intercept(new ServiceTokenInterceptor(provider.GetRequiredService<ServiceCredentials>()))),
                provider.GetRequiredService<ILogger<RegistryWatcher>>(),
                provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IPartnerSnapshots>(provider => provider.GetRequiredService<RegistryWatcher>());
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<RegistryWatcher>());
        return services;
    }

    private sealed class SnapshotChangeTokenSource<TOptions>(IPartnerSnapshots snapshots) : IOptionsChangeTokenSource<TOptions>
    {
        public string Name => Options.DefaultName;

        public IChangeToken GetChangeToken() => snapshots.GetChangeToken();
    }
}
