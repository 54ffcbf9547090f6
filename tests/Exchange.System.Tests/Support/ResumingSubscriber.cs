using Exchange.Contracts.V1;
using Exchange.Testing;
using Grpc.Core;

namespace Exchange.System.Tests.Support;

/// <summary>
/// A partner's system reading its inbox as the contract tells it to: one open stream, and when the stream ends or
/// cannot be opened, a new one after the last cursor it handled. Keeps every delivery and every way a stream ended.
/// </summary>
public sealed class ResumingSubscriber(Partner partner)
{
    private readonly List<Delivery> _deliveries = [];
    private readonly List<RpcException> _ends = [];
    private ulong _cursor;

    public IReadOnlyList<Delivery> Deliveries
    {
        get
        {
            lock (_deliveries)
            {
                return [.. _deliveries];
            }
        }
    }

    /// <summary>How each stream ended (or failed to open), in order; a stream the subscriber closed itself is not counted.</summary>
    public IReadOnlyList<RpcException> Ends
    {
        get
        {
            lock (_deliveries)
            {
                return [.. _ends];
            }
        }
    }

    /// <summary>Reads, reconnecting after 200 ms whenever a stream ends, until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var call = new Signals.SignalsClient(partner.Channel).Subscribe(new SubscribeRequest { AfterCursor = _cursor }, cancellationToken: stop);
                while (await call.ResponseStream.MoveNext(stop))
                {
                    var delivery = call.ResponseStream.Current.Delivery;
                    lock (_deliveries)
                    {
                        _deliveries.Add(delivery);
                    }

                    _cursor = delivery.Cursor;
                }

                Record(new RpcException(call.GetStatus()));
            }
            catch (RpcException exception) when (!stop.IsCancellationRequested)
            {
                Record(exception);
            }
            catch (Exception exception) when (stop.IsCancellationRequested && exception is RpcException or OperationCanceledException)
            {
                return;
            }

            try
            {
                // A reconnect backoff, as a client should have: not a wait for something to happen.
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Record(RpcException end)
    {
        lock (_deliveries)
        {
            _ends.Add(end);
        }
    }
}
