using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Hosting;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;

namespace Exchange.Gateway.Identity;

/// <summary>
/// Establishes who is calling from what cannot be forged here: the client certificate the TLS
/// handshake verified. Whatever identity headers the caller sent are dropped first; only the
/// gateway's own are forwarded. The certificate is checked again on every call, so that one revoked
/// (or expired) while its HTTP/2 connection stays open is refused from the next call on.
/// </summary>
public sealed partial class CallerIdentityMiddleware(RequestDelegate next, PartnerDirectory partners, TrustStore trust, ILogger<CallerIdentityMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        foreach (var header in context.Request.Headers.Keys.Where(IsReserved).ToList())
        {
            context.Request.Headers.Remove(header);
        }

        var certificate = context.Connection.ClientCertificate;
        var organisationId = certificate?.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (certificate is null || string.IsNullOrEmpty(organisationId))
        {
            await Refuse(context, RpcDenial.Unauthenticated(ReasonCodes.CertificateRequired, "A client certificate is required."));
            return;
        }

        if (trust.Recheck(certificate) is { } problem)
        {
            LogRejectedCertificate(logger, organisationId, problem);
            await Refuse(context, RpcDenial.Unauthenticated(ReasonCodes.CertificateRejected, "The client certificate is no longer accepted."));
            return;
        }

        var partner = partners.Find(organisationId);
        if (partner is null || partner.Suspended)
        {
            LogUnknownPartner(logger, organisationId);
            await Refuse(context, new RpcDenial(StatusCode.PermissionDenied, ReasonCodes.UnknownOrganisation, "The organisation is not an admitted partner."));
            return;
        }

        context.Request.Headers[ExchangeHeaders.Organisation] = partner.Id;
        context.Request.Headers[ExchangeHeaders.CertificateThumbprint] = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
        await next(context);
    }

    private static Task Refuse(HttpContext context, RpcDenial denial) => GrpcStatusWriter.WriteAsync(context, denial.ToStatus());

    private static bool IsReserved(string header) =>
        header.StartsWith(ExchangeHeaders.ReservedPrefix, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Refused the certificate of {OrganisationId} on an open connection: {Problem}")]
    private static partial void LogRejectedCertificate(ILogger logger, string organisationId, string problem);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Refused a certificate for organisation {OrganisationId}: not an admitted partner")]
    private static partial void LogUnknownPartner(ILogger logger, string organisationId);
}
