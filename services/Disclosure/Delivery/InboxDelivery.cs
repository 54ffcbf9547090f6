using System.Collections.Concurrent;
using Exchange.Contracts.Node.V1;
using Exchange.ServiceDefaults.Clients;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Disclosure.Delivery;

/// <summary>One gRPC channel per peer service, reused for every call to it, over TLS with this service's own certificate.</summary>
public sealed class PeerChannels(ServiceCredentials credentials) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Uri, GrpcChannel> _channels = new();

    public ServiceCredentials Credentials => credentials;

    public GrpcChannel For(Uri address) =>
        _channels.GetOrAdd(address, a => GrpcChannel.ForAddress(a, ChannelBackoff.Apply(new GrpcChannelOptions { HttpHandler = credentials.CreateHandler(), DisposeHttpClient = true })));

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
    public async Task<DeliverResponse> DeliverAsync(Uri node, DeliverRequest request, CancellationToken cancellationToken)
    {
        var headers = new Metadata();
        await channels.Credentials.AddTokenAsync(headers, cancellationToken);
        return await new InboxService.InboxServiceClient(channels.For(node))
            .DeliverAsync(request, headers, deadline: DateTime.UtcNow + deadline, cancellationToken: cancellationToken);
    }
}
