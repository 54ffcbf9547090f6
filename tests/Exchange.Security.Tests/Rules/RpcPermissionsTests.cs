using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Security;
using Google.Protobuf.Reflection;

namespace Exchange.Security.Tests.Rules;

/// <summary>
/// The rule table is derived from the contracts and complete: an RPC added to a contract without a rule fails
/// here, not in production, and every rule a contract declares is one the exchange can enforce.
/// </summary>
public sealed class RpcPermissionsTests
{
    private static IReadOnlyList<MethodDescriptor> ContractMethods => RpcPermissions.ContractMethods;

    [Fact]
    public void Every_RPC_of_every_contract_has_a_rule()
    {
        var unclassified = ContractMethods.Where(m => RpcPermissions.Find(Path(m)) is null).Select(Path).ToList();

        Assert.Empty(unclassified);
        Assert.True(ContractMethods.Count > 40, "the contracts were not found");
    }

    [Fact]
    public void Every_partner_RPC_needs_a_scope_the_identity_service_issues_and_no_internal_one_has_one()
    {
        Assert.All(RpcPermissions.Rules, rule => Assert.Equal(rule.Exposure == RpcExposure.Partner, rule.Scope is not null));
        Assert.All(RpcPermissions.Rules.Where(r => r.Scope is not null), rule => Assert.Contains(rule.Scope, ExchangeScopes.All));
    }

    [Fact]
    public void Every_partner_RPC_says_whose_data_it_is_about()
    {
        var undeclared = ContractMethods
            .Where(m => Access(m) is { Exposure: RpcExposure.Partner, Holder: HolderRule.Unspecified })
            .Select(Path);

        Assert.Empty(undeclared);
    }

    [Fact]
    public void Every_internal_RPC_names_the_services_that_may_call_it_and_a_holder_field_its_request_has()
    {
        foreach (var method in ContractMethods.Where(m => RpcPermissions.Find(Path(m))!.Exposure == RpcExposure.Internal))
        {
            var grants = RpcPermissions.Find(Path(method))!.InternalCallers!;
            Assert.True(grants.Count > 0, $"{Path(method)} names no internal caller");
            foreach (var grant in grants.Where(g => g.Holder == HolderRule.Caller))
            {
                Assert.True(Resolves(method.InputType, grant.HolderField), $"{Path(method)}: '{grant.HolderField}' is not a string field of {method.InputType.Name}");
            }
        }
    }

    [Fact]
    public void Typed_publishing_is_for_its_own_domain_only()
    {
        var typed = RpcPermissions.Rules.Where(r => r.Service.EndsWith("Signals", StringComparison.Ordinal) && r.Service != "exchange.v1.Signals").ToList();

        Assert.Equal(17, typed.Count);
        // The child-protection service publishes for the Raad and for the certified youth-protection bodies (GI).
        Assert.All(typed, r => Assert.Equal((r.Service == "childprotection.v1.ChildProtectionSignals" ? 2 : 1, HolderRule.Caller), (r.Domains.Count, r.Holder)));
    }

    [Fact]
    public void An_unknown_RPC_has_no_rule_and_is_therefore_refused()
    {
        Assert.Null(RpcPermissions.Find("/exchange.v1.Secrets/Everything"));
        Assert.Null(RpcPermissions.Find("/exchange.v1.Disclosures/RequestEverything"));
        Assert.Equal(RpcExposure.Operational, RpcPermissions.Find("/grpc.health.v1.Health/Check")!.Exposure);
        Assert.Equal(RpcExposure.Partner, RpcPermissions.Find("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo")!.Exposure);
    }

    private static AccessRule? Access(MethodDescriptor method)
    {
        var own = method.GetOptions();
        var service = method.Service.GetOptions();
        return own?.HasExtension(AccessExtensions.Access) == true ? own.GetExtension(AccessExtensions.Access)
            : service?.HasExtension(AccessExtensions.DefaultAccess) == true ? service.GetExtension(AccessExtensions.DefaultAccess)
            : null;
    }

    /// <summary>Whether a dotted path (through repeated messages too) ends at a string field.</summary>
    private static bool Resolves(MessageDescriptor type, string path)
    {
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var field = type.FindFieldByName(parts[i]);
            if (field is null)
            {
                return false;
            }

            if (i == parts.Length - 1)
            {
                return field.FieldType == FieldType.String;
            }

            if (field.FieldType != FieldType.Message)
            {
                return false;
            }

            type = field.MessageType;
        }

        return false;
    }

    private static string Path(MethodDescriptor method) => $"/{method.Service.FullName}/{method.Name}";
}
