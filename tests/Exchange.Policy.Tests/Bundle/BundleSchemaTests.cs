using System.Text.Json;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Bundle;

/// <summary>Editors validate bundle files against the JSON Schema; it must accept exactly what the loader accepts.</summary>
public sealed class BundleSchemaTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(Repository.SchemaFile)).RootElement;

    public static TheoryData<string, string[]> KeySets() => new()
    {
        { "properties", BundleKeys.File },
        { "properties/bundle/properties", BundleKeys.Manifest },
        { "$defs/purposeDefinition/properties", BundleKeys.Purpose },
        { "$defs/legalBasis/properties", BundleKeys.LegalBasis },
        { "$defs/partner/properties", BundleKeys.Partner },
        { "$defs/agreement/properties", BundleKeys.Agreement },
        { "$defs/scope/properties", BundleKeys.Scope },
        { "$defs/rule/properties", BundleKeys.Rule },
        { "$defs/hardDenial/properties", BundleKeys.HardDenial },
        { "$defs/when/properties", BundleKeys.When },
        { "$defs/obligations/properties", BundleKeys.Obligations },
        { "$defs/testCase/properties", BundleKeys.Test },
        { "$defs/testCase/properties/request/properties", BundleKeys.TestRequest },
        { "$defs/testCase/properties/facts/properties", BundleKeys.TestFacts },
        { "$defs/testCase/properties/expect/properties", BundleKeys.TestExpect },
    };

    [Theory]
    [MemberData(nameof(KeySets))]
    public void The_schema_names_exactly_the_keys_the_loader_accepts(string path, string[] keys)
    {
        var properties = At(path).EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(keys.Order(StringComparer.Ordinal), properties);
    }

    [Fact]
    public void The_schema_knows_the_enum_names_of_the_contracts()
    {
        Assert.Equal(Vocabularies.Categories.Names, Enum("$defs/category"));
        Assert.Equal(Vocabularies.Purposes.Names, Enum("$defs/purpose"));
        Assert.Equal(Vocabularies.Domains.Names, Enum("$defs/domain"));
        Assert.Equal(Vocabularies.Kinds.Names, Enum("$defs/kind"));
        Assert.Equal(Vocabularies.ViolenceTypes.Names, Enum("$defs/violenceType"));
        Assert.Equal(Vocabularies.Obligations.Names, Enum("$defs/obligationKind"));
    }

    [Fact]
    public void The_schema_knows_every_reason_code()
    {
        Assert.Equal(PolicyReasonCodes.All, Enum("$defs/testCase/properties/expect/properties/reason_code"));
        Assert.Equal(PolicyReasonCodes.HardDenialCodes.Order(StringComparer.Ordinal), Enum("$defs/hardDenial/properties/reason_code").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_file_of_the_default_bundle_points_editors_at_the_schema()
    {
        foreach (var file in Directory.EnumerateFiles(Repository.PoliciesDirectory, "*.yaml", SearchOption.AllDirectories))
        {
            var first = File.ReadLines(file).First();
            Assert.StartsWith("# yaml-language-server: $schema=", first, StringComparison.Ordinal);
            var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, first["# yaml-language-server: $schema=".Length..]));
            Assert.Equal(Path.GetFullPath(Repository.SchemaFile), target);
        }
    }

    private static JsonElement At(string path) =>
        path.Split('/').Aggregate(Schema, (element, name) => element.GetProperty(name));

    private static List<string> Enum(string path) => [.. At(path).GetProperty("enum").EnumerateArray().Select(e => e.GetString()!)];
}
