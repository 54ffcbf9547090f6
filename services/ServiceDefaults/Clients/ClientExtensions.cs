using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.ServiceDefaults.Clients;

/// <summary>Typed gRPC clients for calls between exchange services.</summary>
public static class ClientExtensions
{
    /// <summary>
    /// Registers a typed client whose address comes from configuration at resolve time, with a
    /// deadline on every call so that a hung peer fails the call (closed) instead of holding it.
    /// </summary>
    public static IHttpClientBuilder AddExchangeClient<TClient>(
        this IServiceCollection services, Func<IServiceProvider, Uri> address, Func<IServiceProvider, TimeSpan> deadline)
        where TClient : class =>
        services
            .AddGrpcClient<TClient>((provider, options) => options.Address = address(provider))
            .AddInterceptor(provider => new DefaultDeadlineInterceptor(deadline(provider)));
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
