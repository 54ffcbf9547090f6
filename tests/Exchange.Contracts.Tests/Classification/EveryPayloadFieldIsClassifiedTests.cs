using Exchange.Contracts.Classification;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.Contracts.Tests.Classification;

public sealed class EveryPayloadFieldIsClassifiedTests
{
    public static TheoryData<string> PayloadTypes() => [.. Payloads.ByName.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(PayloadTypes))]
    public void Every_field_of_a_payload_carries_a_data_category(string payloadType)
    {
        var unclassified = Categories.Unclassified(Payloads.ByName[payloadType]);

        Assert.True(unclassified.Count == 0, $"Fields without (exchange.v1.category): {string.Join(", ", unclassified)}");
    }

    [Fact]
    public void The_payloads_of_all_four_domains_are_known()
    {
        var packages = Payloads.ByName.Values.Select(m => m.File.Package).ToHashSet();

        Assert.Superset(new HashSet<string> { "police.v1", "veiligthuis.v1", "childprotection.v1", "socialteam.v1" }, packages);
        Assert.Contains("police.v1.DomesticViolenceIncident", Payloads.ByName.Keys);
        Assert.Contains("veiligthuis.v1.SafetyAssessment", Payloads.ByName.Keys);
    }

    [Fact]
    public void Request_and_response_messages_of_services_are_not_payloads()
    {
        Assert.DoesNotContain("police.v1.PublishIncidentRequest", Payloads.ByName.Keys);
        Assert.DoesNotContain("veiligthuis.v1.PublishSafetyAssessmentResponse", Payloads.ByName.Keys);
    }

    [Fact]
    public void A_payload_field_without_a_category_is_reported_by_its_full_name()
    {
        var file = BuildFile(
            "fixture/v1/unclassified.proto",
            "fixture.v1",
            new DescriptorProto
            {
                Name = "Leaky",
                Field =
                {
                    ClassifiedField("narrative", 1, DataCategory.Incident),
                    new FieldDescriptorProto { Name = "home_address", Number = 2, Type = FieldDescriptorProto.Types.Type.String, Label = FieldDescriptorProto.Types.Label.Optional, JsonName = "homeAddress" },
                },
            });

        var unclassified = Categories.Unclassified(file.FindTypeByName<MessageDescriptor>("Leaky"));

        Assert.Equal(["fixture.v1.Leaky.home_address"], unclassified);
    }

    [Fact]
    public void An_unclassified_field_inside_a_nested_payload_message_is_reported()
    {
        var file = BuildFile(
            "fixture/v1/nested.proto",
            "fixture.v1",
            new DescriptorProto
            {
                Name = "Inner",
                Field = { new FieldDescriptorProto { Name = "secret", Number = 1, Type = FieldDescriptorProto.Types.Type.String, Label = FieldDescriptorProto.Types.Label.Optional, JsonName = "secret" } },
            },
            new DescriptorProto
            {
                Name = "Outer",
                Field = { ClassifiedField("inner", 1, DataCategory.Safety, ".fixture.v1.Inner") },
            });

        var unclassified = Categories.Unclassified(file.FindTypeByName<MessageDescriptor>("Outer"));

        Assert.Equal(["fixture.v1.Inner.secret"], unclassified);
    }

    private static FieldDescriptorProto ClassifiedField(string name, int number, DataCategory category, string? messageType = null)
    {
        var options = new FieldOptions();
        options.SetExtension(ClassificationExtensions.Category, category);
        var field = new FieldDescriptorProto
        {
            Name = name,
            Number = number,
            JsonName = name,
            Label = FieldDescriptorProto.Types.Label.Optional,
            Type = messageType is null ? FieldDescriptorProto.Types.Type.String : FieldDescriptorProto.Types.Type.Message,
            Options = options,
        };
        if (messageType is not null)
        {
            field.TypeName = messageType;
        }

        return field;
    }

    private static FileDescriptor BuildFile(string name, string package, params DescriptorProto[] messages)
    {
        var proto = new FileDescriptorProto
        {
            Name = name,
            Package = package,
            Syntax = "proto3",
            Dependency = { "exchange/v1/classification.proto" },
        };
        proto.MessageType.AddRange(messages);
        var files = FileDescriptor.BuildFromByteStrings(
            [DescriptorReflection.Descriptor.SerializedData, ClassificationReflection.Descriptor.SerializedData, proto.ToByteString()],
            new ExtensionRegistry { ClassificationExtensions.Category });
        return files[^1];
    }
}
