using Exchange.Contracts.V1;

namespace Exchange.Load;

/// <summary>
/// The cheapest partner RPC a domain service serves: HolderDecisions.ListPending for the police partner (a read of
/// its few, here none, pending requests). Measured straight at the police service over h2c (a) and through the
/// gateway with mutual TLS and a bound token (b): the difference is the gateway hop. Both are checked at the
/// service (token, binding, rule); only (b) is checked at the gateway too. The gRPC health check was not chosen:
/// the gateway answers it itself, so it would not be the same call on both paths.
/// </summary>
public sealed class TrivialCallLoad(LoadOptions options, LocalTarget target, bool throughGateway)
{
    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        var request = new ListPendingRequest();
        if (throughGateway)
        {
            using var police = target.Connect(Domain.Police);
            var client = new HolderDecisions.HolderDecisionsClient(police.Channel);
            await Retry.OnRateLimitAsync(() => client.ListPendingAsync(request, cancellationToken: cancellationToken).ResponseAsync, cancellationToken);
            return await LoadRunner.RunAsync(options.Workers, options.Duration,
                async (_, _, stop) => await client.ListPendingAsync(request, cancellationToken: stop), cancellationToken);
        }

        using var direct = target.ConnectDirect(Domain.Police);
        var directClient = new HolderDecisions.HolderDecisionsClient(direct.Channel);
        await directClient.ListPendingAsync(request, await direct.HeadersAsync(cancellationToken), cancellationToken: cancellationToken);
        return await LoadRunner.RunAsync(options.Workers, options.Duration,
            async (_, _, stop) => await directClient.ListPendingAsync(request, await direct.HeadersAsync(stop), cancellationToken: stop), cancellationToken);
    }
}
