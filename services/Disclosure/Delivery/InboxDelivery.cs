using System.Collections.Concurrent;
using Exchange.Contracts.Node.V1;
using Exchange.ServiceDefaults.Clients;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Security;
using Microsoft.Extensions.Options;
using Grpc.Net.Client;

namespace Exchange.Disclosure.Delivery;

/// <summary>
/// One gRPC channel per peer service, reused for every call to it. A peer on https (a partner-hosted node) must
/// present a certificate of the exchange CA, the one that also issued the identity service's.
/// </summary>
public sealed class PeerChannels(IOptions<TokenOptions> tokens) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Uri, GrpcChannel> _channels = new();
    private readonly Lazy<TrustStore?> _trust = new(() => tokens.Value.IssuerCaPath is { Length: > 0 } ca ? TrustStore.Load(ca) : null);

    public GrpcChannel For(Uri address) => _channels.GetOrAdd(address, Open);

    private GrpcChannel Open(Uri address)
    {
        var options = new GrpcChannelOptions();
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            var trust = _trust.Value;
            options.HttpHandler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust is not null && trust.ValidatesServer(certificate, errors) },
            };
            options.DisposeHttpClient = true;
        }

        return GrpcChannel.ForAddress(address, ChannelBackoff.Apply(options));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels.Values)
        {
            await channel.ShutdownAsync();
            channel.Dispose();
        }

        _channels.Clear();
    }
}

/// <summary>Delivers a released signal into a recipient's inbox on the domain service that hosts it.</summary>
public interface IInboxDelivery
{
    Task<DeliverResponse> DeliverAsync(Uri node, DeliverRequest request, CancellationToken cancellationToken);
}

/// <summary>Delivers into an inbox on whichever domain service hosts the recipient, over gRPC.</summary>
public sealed class InboxDelivery(PeerChannels channels, TimeSpan deadline) : IInboxDelivery
{
    public async Task<DeliverResponse> DeliverAsync(Uri node, DeliverRequest request, CancellationToken cancellationToken) =>
        await new InboxService.InboxServiceClient(channels.For(node))
            .DeliverAsync(request, deadline: DateTime.UtcNow + deadline, cancellationToken: cancellationToken);
}
