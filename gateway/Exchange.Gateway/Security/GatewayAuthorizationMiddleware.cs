using System.Security.Cryptography;
using Exchange.Contracts.V1;
using Exchange.Gateway.Identity;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;

namespace Exchange.Gateway.Security;

/// <summary>
/// After the TLS handshake has verified the client certificate: the access token must be valid for the
/// exchange API, bound to that very certificate (RFC 8705), and name the certificate's organisation;
/// then the call's rule decides scope, domain and holder. The one "exchange-holder" the rule allows is
/// what is forwarded (the caller's own organisation where the call acts for it; nothing where the call is
/// about no holder). Anything else is answered here with a gRPC status and never reaches a service.
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
            context.Items[typeof(GatewayCall)] = new GatewayCall(rule, null, null);
            await next(context);
            return;
        }

        var (call, denial) = rule is { Exposure: RpcExposure.Partner }
            ? await CheckAsync(rule, context)
            : (null, CallerAuthorization.NotExposed());
        if (denial is not null)
        {
            LogRefused(logger, context.Request.Headers[ExchangeHeaders.Organisation].ToString(), context.Request.Path.Value ?? string.Empty, denial.Reason);
            await ServiceDefaults.Errors.GrpcStatusWriter.WriteAsync(context, denial.ToStatus());
            return;
        }

        if (call!.Holder is { } holder)
        {
            context.Request.Headers[ExchangeHeaders.Holder] = holder;
        }
        else
        {
            context.Request.Headers.Remove(ExchangeHeaders.Holder);
        }

        context.Items[typeof(GatewayCall)] = call;
        await next(context);
    }

    private async Task<(GatewayCall?, RpcDenial?)> CheckAsync(RpcRule rule, HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate!;
        var check = await tokens.ValidateAsync(
            context.Request.Headers.Authorization.ToString(), certificate.GetCertHash(HashAlgorithmName.SHA256), context.RequestAborted);
        if (check.Caller is not { } caller)
        {
            return (null, check.Denial);
        }

        var organisation = context.Request.Headers[ExchangeHeaders.Organisation].ToString();
        if (!string.Equals(caller.OrganisationId, organisation, StringComparison.Ordinal) || partners.Find(organisation)?.Domain != caller.Domain)
        {
            return (null, RpcDenial.Unauthenticated(ReasonCodes.IdentityMismatch, "The access token names another organisation than the client certificate."));
        }

        var holders = context.Request.Headers[ExchangeHeaders.Holder].Select(v => v ?? string.Empty).ToList();
        if (CallerAuthorization.Authorize(rule, caller, holders, out var holder) is { } denial)
        {
            return (null, denial);
        }

        if (rule.Holder == HolderRule.Required && partners.Find(holder!) is not { Suspended: false })
        {
            return (null, new RpcDenial(StatusCode.NotFound, ReasonCodes.UnknownHolder, "No service holds data for the named holder."));
        }

        return (new GatewayCall(rule, caller, holder), null);
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Refused {Path} for {OrganisationId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string organisationId, string path, string reason);
}
