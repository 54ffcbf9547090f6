using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.ServiceDefaults.Clients;

/// <summary>
/// How quickly a channel between exchange services tries again to connect to a peer that went away. gRPC's defaults
/// (1 s, growing 1.6 times per failed attempt up to 120 s) mean that after a policy service was gone for a
/// while its callers went on failing for seconds after it came back (3 to 10 s measured, depending on the outage). Between services on one network a
/// connection attempt is cheap and fails fast, so attempts stay at most a second apart: a service that returns is
/// used again within a second or so.
/// </summary>
public static class ChannelBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan Max = TimeSpan.FromSeconds(1);

    public static GrpcChannelOptions Apply(GrpcChannelOptions options)
    {
        options.InitialReconnectBackoff = Initial;
        options.MaxReconnectBackoff = Max;
        return options;
    }
}

/// <summary>Typed gRPC clients for calls between exchange services.</summary>
public static class ClientExtensions
{
    /// <summary>
    /// Registers a typed client for another service's internal RPCs, whose address comes from configuration at
    /// resolve time: over TLS with this service's own certificate and bound token (<see cref="ServiceCredentials"/>),
    /// with a deadline on every call so that a hung peer fails the call (closed) instead of holding it.
    /// </summary>
    public static IHttpClientBuilder AddExchangeClient<TClient>(
        this IServiceCollection services, Func<IServiceProvider, Uri> address, Func<IServiceProvider, TimeSpan> deadline)
        where TClient : class
    {
        services.AddServiceCredentials();
        return services
            .AddGrpcClient<TClient>((provider, options) => options.Address = address(provider))
            .ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<ServiceCredentials>().CreateHandler())
            .ConfigureChannel(options => ChannelBackoff.Apply(options))
            .AddInterceptor(provider => new DefaultDeadlineInterceptor(deadline(provider)))
            .AddInterceptor(provider => new ServiceTokenInterceptor(provider.GetRequiredService<ServiceCredentials>()));
    }
}

/// <summary>Gives every outgoing call a deadline unless the caller set one.</summary>
public sealed class DefaultDeadlineInterceptor(TimeSpan deadline) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDeadline(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, context);

    private ClientInterceptorContext<TRequest, TResponse> WithDeadline<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class =>
        context.Options.Deadline is not null
            ? context
            : new(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + deadline));
}
