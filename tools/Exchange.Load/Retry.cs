using Grpc.Core;

namespace Exchange.Load;

/// <summary>Preparing a run must not fail on the gateway's rate limit: it waits and tries again.</summary>
public static class Retry
{
    public static async Task<T> OnRateLimitAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }
    }
}
