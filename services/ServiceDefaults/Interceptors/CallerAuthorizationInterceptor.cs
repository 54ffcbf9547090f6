using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Exchange.ServiceDefaults.Interceptors;

/// <summary>
/// Defence in depth: a service does not take the gateway's word for who is calling. Every partner RPC
/// must carry the access token the gateway accepted, bound to the certificate the gateway verified, and
/// naming the organisation the gateway forwarded; then the same rule table decides scope, domain and
/// holder again. A call that bypasses the gateway, or a gateway that forwards too much, gets nothing.
/// </summary>
public sealed partial class CallerAuthorizationInterceptor(AccessTokenValidator tokens, ILogger<CallerAuthorizationInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AuthorizeAsync(ServerCallContext context)
    {
        var rule = RpcPermissions.Find(context.Method);
        if (rule is { Exposure: RpcExposure.Internal or RpcExposure.Operational })
        {
            // Reachable only on the internal network, never routed by the gateway (see docs/threat-model.md).
            return;
        }

        var denial = rule is null ? CallerAuthorization.NotExposed() : await CheckPartnerCallAsync(rule, context);
        if (denial is not null)
        {
            LogRefused(logger, context.Method, denial.Reason);
            throw denial.ToException();
        }
    }

    private async Task<RpcDenial?> CheckPartnerCallAsync(RpcRule rule, ServerCallContext context)
    {
        var headers = context.RequestHeaders;
        var thumbprint = headers.GetValue(ExchangeHeaders.CertificateThumbprint);
        byte[] certificateSha256;
        try
        {
            certificateSha256 = Convert.FromHexString(thumbprint ?? string.Empty);
        }
        catch (FormatException)
        {
            certificateSha256 = [];
        }

        if (certificateSha256.Length == 0)
        {
            return RpcDenial.Unauthenticated(ReasonCodes.CertificateRequired, "The call carries no verified client certificate.");
        }

        var check = await tokens.ValidateAsync(headers.GetValue("authorization"), certificateSha256, context.CancellationToken);
        if (check.Caller is not { } caller)
        {
            return check.Denial;
        }

        if (!string.Equals(headers.GetValue(ExchangeHeaders.Organisation), caller.OrganisationId, StringComparison.Ordinal))
        {
            return RpcDenial.Unauthenticated(ReasonCodes.IdentityMismatch, "The forwarded organisation is not the token's organisation.");
        }

        // From here on CallerIdentity.From (the forwarded organisation) is the token's organisation, and the
        // holder metadata is one well-formed organisation id (or absent where the rule allows).
        var holders = headers.Where(h => h.Key == ExchangeHeaders.Holder && !h.IsBinary).Select(h => h.Value).ToList();
        return CallerAuthorization.Authorize(rule, caller, holders, out _);
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Refused {Method}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string reason);
}
