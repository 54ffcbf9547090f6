using System.Threading.RateLimiting;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Gateway.Limits;

/// <summary>
/// A token bucket per partner organisation, keyed by the organisation the client certificate proved
/// (never by anything the caller states), checked before the token is validated so that a flood costs
/// the gateway little. A refused call gets <c>ResourceExhausted</c> with RATE_LIMITED and a
/// google.rpc.RetryInfo saying when the bucket lets the next call in.
/// </summary>
public static class PartnerRateLimiting
{
    public static IServiceCollection AddPartnerRateLimiting(this IServiceCollection services, RateLimitOptions limits)
    {
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(
                    context.Request.Headers[ExchangeHeaders.Organisation].ToString(),
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.Burst,
                        TokensPerPeriod = limits.PermitsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            options.OnRejected = (rejected, _) =>
            {
                var delay = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero
                    ? retryAfter
                    : TimeSpan.FromSeconds(1);
                var status = RpcErrors.Status(
                    StatusCode.ResourceExhausted, ReasonCodes.RateLimited, "Too many calls from your organisation; slow down and retry.",
                    null, new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) });
                return new ValueTask(GrpcStatusWriter.WriteAsync(rejected.HttpContext, status));
            };
        });
        return services;
    }
}
