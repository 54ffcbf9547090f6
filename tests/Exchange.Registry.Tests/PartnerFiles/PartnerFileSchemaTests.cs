using System.Text.Json;
using Exchange.Registry.Client.PartnerFiles;
using Exchange.ServiceDefaults.Security;
using Exchange.Testing;
using Json.Schema;
using YamlDotNet.Serialization;

namespace Exchange.Registry.Tests.PartnerFiles;

/// <summary>Editors check partner files against docs/partner-file.schema.json: it must describe what the reader accepts.</summary>
public sealed class PartnerFileSchemaTests
{
    private static readonly string SchemaText = File.ReadAllText(Repository.Path("docs", "partner-file.schema.json"));
    private static readonly JsonElement Schema = JsonDocument.Parse(SchemaText).RootElement;

    // Built once: the schema registers its $id globally.
    private static readonly JsonSchema Compiled = JsonSchema.FromText(SchemaText);

    public static TheoryData<string, string[]> KeySets() => new()
    {
        { "properties", PartnerFileKeys.File },
        { "$defs/contact/properties", PartnerFileKeys.Contact },
        { "properties/certificate/properties", PartnerFileKeys.Certificate },
        { "properties/node/properties", PartnerFileKeys.Node },
        { "$defs/agreement/properties", PartnerFileKeys.Agreement },
    };

    [Theory]
    [MemberData(nameof(KeySets))]
    public void The_schema_names_exactly_the_keys_the_reader_accepts(string path, string[] keys)
    {
        var properties = At(path).EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(keys.Order(StringComparer.Ordinal), properties);
    }

    [Fact]
    public void The_schema_knows_the_names_the_reader_knows()
    {
        Assert.Equal(PartnerFileKeys.ContactRoles, Enum("$defs/role"));
        Assert.Equal(PartnerFileKeys.Hostings, Enum("$defs/hosting"));
        Assert.Equal(DomainNames.All, Enum("$defs/domain"));
    }

    [Fact]
    public void Every_demo_partner_file_is_valid_under_the_schema_and_points_editors_at_it()
    {
        foreach (var path in Directory.GetFiles(Repository.Path("deploy", "partners"), "*.yaml"))
        {
            var result = Evaluate(File.ReadAllText(path));
            Assert.True(result.IsValid, $"{path}: {JsonSerializer.Serialize(result)}");
            var first = File.ReadLines(path).First();
            Assert.Equal(Path.GetFullPath(Repository.Path("docs", "partner-file.schema.json")),
                Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, first["# yaml-language-server: $schema=".Length..])));
        }
    }

    [Theory]
    [InlineData("oin: \"99990000000000000002\"", "oin: \"123\"")]
    [InlineData("domain: veilig-thuis", "domain: safe-home")]
    [InlineData("  hosting: shared", "  hosting: partner")]
    [InlineData("  - role: technical", "  - role: boss")]
    [InlineData("valid_from: 2024-01-01", "valid_from: 1 January 2024")]
    [InlineData("region: Midden- en West-Brabant", "region: Midden- en West-Brabant\ncolour: blue")]
    public void The_schema_refuses_what_the_reader_refuses(string valid, string invalid)
    {
        var text = File.ReadAllText(Repository.Path("deploy", "partners", "vt-mwb.yaml"));
        Assert.Contains(valid, text, StringComparison.Ordinal);
        var broken = text.Replace(valid, invalid, StringComparison.Ordinal);

        Assert.False(Evaluate(broken).IsValid);
        Assert.NotEmpty(PartnerFileReader.Parse(broken, "vt-mwb.yaml", Repository.Path("deploy", "partners"), requireCertificate: false).Errors);
    }

    private static EvaluationResults Evaluate(string yaml)
    {
        var value = new DeserializerBuilder().Build().Deserialize<object>(yaml);
        var json = new SerializerBuilder().JsonCompatible().Build().Serialize(value);
        return Compiled.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static JsonElement At(string path) =>
        path.Split('/').Aggregate(Schema, (element, name) => element.GetProperty(name));

    private static List<string> Enum(string path) => [.. At(path).GetProperty("enum").EnumerateArray().Select(e => e.GetString()!)];
}
