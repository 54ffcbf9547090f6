using System.Reflection;
using System.Text.RegularExpressions;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine;
using Exchange.ServiceDefaults.Errors;
using Exchange.Testing;

namespace Exchange.Security.Tests.Contracts;

/// <summary>What the contracts tell an integrator is what the exchange does: reason codes and legal-basis ids.</summary>
public sealed partial class ContractDocumentationTests
{
    [Fact]
    public void Every_reason_code_the_exchange_answers_with_is_listed_in_the_contract_and_every_listed_one_is_used()
    {
        var listed = Enum.GetValues<ReasonCode>().Where(c => c != ReasonCode.Unspecified)
            .Select(c => ErrorsReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("ReasonCode").FindValueByNumber((int)c).Name["REASON_CODE_".Length..])
            .ToHashSet(StringComparer.Ordinal);
        var answered = Constants(typeof(ReasonCodes)).Where(c => c != ReasonCodes.Domain)
            .Concat(PolicyReasonCodes.All)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(answered.Except(listed));
        Assert.Empty(listed.Except(answered));
    }

    [Fact]
    public void The_legal_basis_ids_the_contract_names_are_the_policy_catalogues()
    {
        var catalogue = BasisId().Matches(File.ReadAllText(Repository.Path("policies", "legal-bases.yaml"))).Select(m => m.Groups[1].Value).ToHashSet();
        var common = File.ReadAllText(Repository.Path("protos", "exchange", "v1", "common.proto"));
        var comment = common[..common.IndexOf("message LegalBasisRef", StringComparison.Ordinal)];
        var named = QuotedId().Matches(comment[comment.LastIndexOf("// A legal basis", StringComparison.Ordinal)..]).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Equal(catalogue.Order(), named.Order());
    }

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

    [GeneratedRegex(@"^\s*-\s*id:\s*([a-z0-9-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex BasisId();

    [GeneratedRegex("\"([a-z0-9-]+)\"")]
    private static partial Regex QuotedId();
}
