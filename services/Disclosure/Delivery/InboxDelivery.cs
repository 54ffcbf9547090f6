using System.Collections.Concurrent;
using Exchange.Contracts.Node.V1;
using Exchange.ServiceDefaults.Clients;
using Grpc.Net.Client;

namespace Exchange.Disclosure.Delivery;

/// <summary>One gRPC channel per peer service, reused for every call to it.</summary>
public sealed class PeerChannels : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Uri, GrpcChannel> _channels = new();

    public GrpcChannel For(Uri address) => _channels.GetOrAdd(address, static a => GrpcChannel.ForAddress(a, ChannelBackoff.Apply(new GrpcChannelOptions())));

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
