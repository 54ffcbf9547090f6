using Exchange.Gateway.Streams;
using Exchange.ServiceDefaults.Errors;
using Grpc.Core;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Exchange.Gateway.Routing;

/// <summary>
/// A call the proxy could not deliver (the service behind is down, refused the connection, or timed out before
/// answering) is UNAVAILABLE with the reason of its destination: HOLDER_UNAVAILABLE for a partner's domain
/// service, INDEX_UNAVAILABLE, SERVICE_UNAVAILABLE for another platform service. Never the proxy's HTTP 502.
/// </summary>
public static partial class ForwardingFailures
{
    public static async Task AnswerAsync(HttpContext context, Func<Task> next, ILogger logger)
    {
        await next();
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested || StreamGuardMiddleware.EndedByGateway(context))
        {
            return;
        }

        var cluster = context.Features.Get<IReverseProxyFeature>()?.Cluster;
        var reason = cluster?.Config.Metadata?.GetValueOrDefault(RouteTable.UnavailableReason) ?? ReasonCodes.ServiceUnavailable;
        LogUndelivered(logger, cluster?.Config.ClusterId ?? "?", error.Error);
        await GrpcStatusWriter.WriteAsync(context, RpcErrors.Status(
            StatusCode.Unavailable, reason, "The service behind the gateway cannot be reached. Retry later."));
    }

    [LoggerMessage(EventId = 3030, Level = LogLevel.Warning, Message = "Could not forward a call to {Cluster}: {Error}")]
    private static partial void LogUndelivered(ILogger logger, string cluster, ForwarderError error);
}
