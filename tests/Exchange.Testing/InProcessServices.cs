using Exchange.ChildProtection;
using Exchange.Contracts.V1;
using Exchange.Gateway;
using Exchange.Identity;
using Exchange.Index;
using Exchange.Police;
using Exchange.Policy;
using Exchange.Registry;
using Exchange.ServiceDefaults.Hosting;
using Exchange.SocialTeam;
using Exchange.Topology;
using Exchange.VeiligThuis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Exchange.Testing;

/// <summary>
/// Starts a process of an <see cref="ExchangeTopology"/> inside the test process, on its real socket, wired by the
/// same extension methods as its Program.cs. <paramref name="add"/> and <paramref name="map"/> let a harness add to
/// it (a fault, a request counter) before its own mapping.
/// </summary>
public static class InProcessServices
{
    public static Task<RunningService> StartAsync(
        ExchangeProcess process,
        IReadOnlyDictionary<string, string?> settings,
        ILoggerProvider? logs,
        Action<WebApplicationBuilder>? add = null,
        Action<WebApplication>? map = null)
    {
        var (marker, addService, mapService) = Wiring(process);
        return RunningService.StartAsync(
            "exchange-" + process.Name,
            marker,
            settings,
            builder =>
            {
                addService(builder);
                add?.Invoke(builder);
            },
            app =>
            {
                map?.Invoke(app);
                // The gateway answers health and reflection itself; the identity service serves no gRPC at all.
                if (process.Part is not (ExchangePart.Gateway or ExchangePart.Identity))
                {
                    app.MapServiceDefaults();
                }

                mapService(app);
            },
            logs,
            issuesTokens: process.Part == ExchangePart.Identity);
    }

    private static (Type Marker, Action<WebApplicationBuilder> Add, Action<WebApplication> Map) Wiring(ExchangeProcess process) => process.Part switch
    {
        ExchangePart.Identity => (typeof(IdentityServiceExtensions), b => b.AddIdentityService(), a => a.MapIdentityService()),
        ExchangePart.Policy => (typeof(PolicyServiceExtensions), b => b.AddPolicyService(), a => a.MapPolicyService()),
        ExchangePart.Index => (typeof(IndexServiceExtensions), b => b.AddIndexService(), a => a.MapIndexService()),
        ExchangePart.Registry => (typeof(RegistryServiceExtensions), b => b.AddRegistryService(), a => a.MapRegistryService()),
        ExchangePart.Gateway => (typeof(GatewayExtensions), b => b.AddGateway(), a =>
        {
            a.MapGrpcHealthChecksService();
            a.MapGateway();
        }),
        ExchangePart.Node => process.Domains[0] switch
        {
            Domain.Police => (typeof(PoliceServiceExtensions), b => b.AddPoliceService(), a => a.MapPoliceService()),
            Domain.VeiligThuis => (typeof(VeiligThuisServiceExtensions), b => b.AddVeiligThuisService(), a => a.MapVeiligThuisService()),
            Domain.ChildProtection => (typeof(ChildProtectionServiceExtensions), b => b.AddChildProtectionService(), a => a.MapChildProtectionService()),
            _ => (typeof(SocialTeamServiceExtensions), b => b.AddSocialTeamService(), a => a.MapSocialTeamService()),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(process), process.Part, "not started in a test process"),
    };

    /// <summary>A topology's settings as a harness's configuration (nullable values, as RunningService takes them).</summary>
    public static Dictionary<string, string?> Settings(this ExchangeTopology topology, ExchangeProcess process) =>
        topology.For(process).ToSettings().ToDictionary(e => e.Key, e => (string?)e.Value, StringComparer.Ordinal);
}
