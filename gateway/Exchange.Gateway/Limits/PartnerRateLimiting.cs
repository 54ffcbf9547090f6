using System.Threading.RateLimiting;
using Exchange.Gateway.Responses;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Grpc.Core;

namespace Exchange.Gateway.Limits;

/// <summary>
/// A token bucket per partner organisation, keyed by the organisation the client certificate proved
/// (never by anything the caller states), checked before the token is validated so that a flood costs
/// the gateway little. A refused call gets <c>ResourceExhausted</c> with RATE_LIMITED.
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
            options.OnRejected = (rejected, _) => new ValueTask(GrpcStatusResponse.WriteAsync(
                rejected.HttpContext, StatusCode.ResourceExhausted, ReasonCodes.RateLimited, "Too many calls from your organisation; slow down and retry."));
        });
        return services;
    }
}
