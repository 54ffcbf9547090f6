using Exchange.Registry.Changes;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Exchange.ServiceDefaults.Security;
using Grpc.Core;

namespace Exchange.Registry.Security;

/// <summary>
/// Which administrator is calling. Four eyes compares administrators by client id: each has its own client,
/// certificate and key. The caller authorization has already accepted the call; the token is read again here
/// (keys are cached) so that the identity comes from the validated token itself, never from a header.
/// </summary>
public sealed class Administrators(AccessTokenValidator tokens)
{
    public async Task<Administrator> FromAsync(ServerCallContext context)
    {
        var thumbprint = Convert.FromHexString(context.RequestHeaders.GetValue(ExchangeHeaders.CertificateThumbprint) ?? string.Empty);
        var check = await tokens.ValidateAsync(context.RequestHeaders.GetValue("authorization"), thumbprint, context.CancellationToken);
        if (check.Caller is not { } caller || !caller.HasScope(ExchangeScopes.RegistryAdmin))
        {
            throw (check.Denial ?? RpcDenial.PermissionDenied(ReasonCodes.ScopeMissing, "Registry changes need the scope exchange.registry.admin.")).ToException();
        }

        return new Administrator(caller.ClientId, caller.OrganisationId);
    }
}
