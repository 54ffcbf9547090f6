using System.Reflection;
using Exchange.ServiceDefaults.Security;
using Google.Protobuf.Reflection;

namespace Exchange.Security.Tests.Rules;

/// <summary>The rule table is complete: an RPC added to a contract without a rule fails here, not in production.</summary>
public sealed class RpcPermissionsTests
{
    private static readonly IReadOnlyList<MethodDescriptor> ContractMethods = [.. typeof(Exchange.Contracts.V1.Disclosures).Assembly.GetTypes()
        .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
        .Where(p => p?.PropertyType == typeof(ServiceDescriptor))
        .Select(p => (ServiceDescriptor)p!.GetValue(null)!)
        .SelectMany(s => s.Methods)];

    [Fact]
    public void Every_RPC_of_every_contract_has_a_rule()
    {
        var unclassified = ContractMethods.Where(m => RpcPermissions.Find(Path(m)) is null).Select(Path).ToList();

        Assert.Empty(unclassified);
        Assert.True(ContractMethods.Count > 40, "the contracts were not found");
    }

    [Fact]
    public void Every_rule_names_an_RPC_that_exists()
    {
        var paths = ContractMethods.Select(Path).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(RpcPermissions.Rules.Where(r => !paths.Contains(r.Path)).Select(r => r.Path));
    }

    [Fact]
    public void Server_streams_are_marked_as_streams_and_only_they()
    {
        var mismatched = ContractMethods.Where(m => RpcPermissions.Find(Path(m))!.Streaming != m.IsServerStreaming).Select(Path);

        Assert.Empty(mismatched);
    }

    [Fact]
    public void Every_partner_RPC_needs_a_scope_and_no_internal_one_has_one()
    {
        Assert.All(RpcPermissions.Rules, rule => Assert.Equal(rule.Exposure == RpcExposure.Partner, rule.Scope is not null));
        Assert.All(RpcPermissions.Rules.Where(r => r.Scope is not null), rule => Assert.Contains(rule.Scope, ExchangeScopes.All));
    }

    [Fact]
    public void An_unknown_RPC_has_no_rule_and_is_therefore_refused()
    {
        Assert.Null(RpcPermissions.Find("/exchange.v1.Secrets/Everything"));
        Assert.Null(RpcPermissions.Find("/exchange.v1.Disclosures/RequestEverything"));
        Assert.Equal(RpcExposure.Operational, RpcPermissions.Find("/grpc.health.v1.Health/Check")!.Exposure);
        Assert.Equal(RpcExposure.Internal, RpcPermissions.Find("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")!.Exposure);
    }

    private static string Path(MethodDescriptor method) => $"/{method.Service.FullName}/{method.Name}";
}
