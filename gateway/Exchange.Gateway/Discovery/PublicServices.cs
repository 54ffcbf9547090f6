using Exchange.Contracts.V1;
using Exchange.Gateway.Routing;
using Exchange.ServiceDefaults.Security;

namespace Exchange.Gateway.Discovery;

/// <summary>
/// The services a partner can reach through this gateway: those whose contract exposes an RPC to partners and
/// that the gateway routes somewhere. Reflection lists these (and only these) and health reports on them.
/// </summary>
public static class PublicServices
{
    public static IReadOnlyList<Google.Protobuf.Reflection.ServiceDescriptor> Of(GatewayOptions options) =>
        [.. RpcPermissions.ContractMethods
            .Where(m => RpcPermissions.Find($"/{m.Service.FullName}/{m.Name}") is { Exposure: RpcExposure.Partner })
            .Select(m => m.Service)
            .Distinct()
            .Where(s => RouteTable.Destinations(options, s.FullName).Count > 0)
            .OrderBy(s => s.FullName, StringComparer.Ordinal)];
}
