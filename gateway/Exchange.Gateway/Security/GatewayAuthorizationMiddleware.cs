using System.Security.Cryptography;
using Exchange.Gateway.Identity;
using Exchange.Gateway.Responses;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;

namespace Exchange.Gateway.Security;

/// <summary>
/// After the TLS handshake has verified the client certificate: the access token must be valid for the
/// exchange API, bound to that very certificate (RFC 8705), and name the certificate's organisation;
/// then the call's rule decides scope, domain and holder. Anything else is answered here with a gRPC
/// status and never reaches a service.
/// </summary>
public sealed partial class GatewayAuthorizationMiddleware(
    RequestDelegate next, AccessTokenValidator tokens, PartnerDirectory partners, ILogger<GatewayAuthorizationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var rule = RpcPermissions.Find(context.Request.Path.Value ?? string.Empty);
        if (rule is { Exposure: RpcExposure.Operational })
        {
            // The gateway's own health check; no service behind it is reached this way.
            await next(context);
            return;
        }

        var denial = rule is { Exposure: RpcExposure.Partner }
            ? await CheckAsync(rule, context)
            : CallerAuthorization.NotExposed();
        if (denial is not null)
        {
            LogRefused(logger, context.Request.Headers[ExchangeHeaders.Organisation].ToString(), context.Request.Path.Value ?? string.Empty, denial.Reason);
            await GrpcStatusResponse.WriteAsync(context, denial.Code, denial.Reason, denial.Message);
            return;
        }

        context.Items[typeof(RpcRule)] = rule;
        await next(context);
    }

    private async Task<RpcDenial?> CheckAsync(RpcRule rule, HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate!;
        var check = await tokens.ValidateAsync(
            context.Request.Headers.Authorization.ToString(), certificate.GetCertHash(HashAlgorithmName.SHA256), context.RequestAborted);
        if (check.Caller is not { } caller)
        {
            return check.Denial;
        }

        var organisation = context.Request.Headers[ExchangeHeaders.Organisation].ToString();
        if (!string.Equals(caller.OrganisationId, organisation, StringComparison.Ordinal) || partners.Find(organisation)?.Domain != caller.Domain)
        {
            return RpcDenial.Unauthenticated(ReasonCodes.IdentityMismatch, "The access token names another organisation than the client certificate.");
        }

        return CallerAuthorization.Authorize(rule, caller, context.Request.Headers[ExchangeHeaders.Holder].ToString());
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Refused {Path} for {OrganisationId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string organisationId, string path, string reason);
}
