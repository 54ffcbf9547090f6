using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Exchange.ServiceDefaults.Interceptors;

/// <summary>
/// No RPC without a token. An internal RPC must come over TLS with the calling service's own client certificate
/// and an access token bound to it that names a service role the RPC grants (and, for a node, only itself as
/// holder: <see cref="InternalAuthorization"/>).
/// Defence in depth for partner RPCs: a service does not take the gateway's word for who is calling. Every partner RPC
/// must carry the access token the gateway accepted, bound to the certificate the gateway verified, and
/// naming the organisation the gateway forwarded; then the same rule table decides scope, domain and
/// holder again. A call that bypasses the gateway, or a gateway that forwards too much, gets nothing.
/// </summary>
public sealed partial class CallerAuthorizationInterceptor(AccessTokenValidator tokens, ILogger<CallerAuthorizationInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context, request as IMessage);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context, request as IMessage);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context, null);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context, null);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AuthorizeAsync(ServerCallContext context, IMessage? request)
    {
        var rule = RpcPermissions.Find(context.Method);
        if (rule is { Exposure: RpcExposure.Operational })
        {
            return;
        }

        var denial = rule switch
        {
            null => CallerAuthorization.NotExposed(),
            { Exposure: RpcExposure.Internal } => await CheckInternalCallAsync(rule, context, request),
            _ => await CheckPartnerCallAsync(rule, context),
        };
        if (denial is not null)
        {
            LogRefused(logger, context.Method, denial.Reason);
            throw denial.ToException();
        }
    }

    /// <summary>
    /// The certificate is the one this connection's TLS handshake verified, never a header: an internal call is not
    /// forwarded by the gateway, and nothing inside the exchange trusts the network.
    /// </summary>
    private async Task<RpcDenial?> CheckInternalCallAsync(RpcRule rule, ServerCallContext context, IMessage? request)
    {
        if (context.GetHttpContext().Connection.ClientCertificate is not { } certificate)
        {
            return RpcDenial.Unauthenticated(
                ReasonCodes.CertificateRequired, "An internal call needs the calling service's client certificate (TLS) and its access token.");
        }

        var check = await tokens.ValidateAsync(context.RequestHeaders.GetValue(ExchangeHeaders.ServiceAuthorization), certificate.GetCertHash(HashAlgorithmName.SHA256), context.CancellationToken);
        return check.Caller is { } caller ? InternalAuthorization.Authorize(rule, caller, request) : check.Denial;
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
