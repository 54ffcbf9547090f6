using Exchange.Node.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Node.HolderDecisions;

/// <summary>
/// Expires the requests left to a holder that no professional decided in time, every sweep interval of the
/// node's clock (<see cref="TimeProvider"/>, so that tests move time rather than wait for it). A decision a stop
/// interrupted is undone at start, so the request can be decided again.
/// </summary>
public sealed class HolderDecisionExpiry(HolderDecisionFlow flow, HolderDecisionStore store, IOptions<NodeOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.ReopenInterrupted();
        while (!stoppingToken.IsCancellationRequested)
        {
            await flow.ExpireDueAsync(stoppingToken);
            try
            {
                await Task.Delay(options.Value.HolderDecisionSweep, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
