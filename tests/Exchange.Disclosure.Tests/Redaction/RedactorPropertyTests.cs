using System.Collections;
using Exchange.Contracts.Classification;
using Exchange.Contracts.V1;
using Exchange.Disclosure.Redaction;
using Exchange.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.Disclosure.Tests.Redaction;

/// <summary>
/// The redactor's promise, for every payload type and every set of released categories: a redacted message holds
/// no value in a field whose <c>(exchange.v1.category)</c> was not released, at any depth. Messages are filled
/// completely (every field, every nested message, lists of one to three) from a generated seed, so every field is
/// put to the test; the check reads the contracts' options, not the redactor's own plan.
/// </summary>
public sealed class RedactorPropertyTests
{
    private static readonly MessageDescriptor[] PayloadTypes = [.. Payloads.ByName.Values.OrderBy(d => d.FullName, StringComparer.Ordinal)];

    private static readonly DataCategory[] AllCategories = [.. System.Enum.GetValues<DataCategory>().Where(c => c != DataCategory.Unspecified)];

    public static Arbitrary<RedactionCase> Cases() => Arb.From(
        from type in Gen.Choose(0, PayloadTypes.Length - 1)
        from mask in Gen.Choose(0, (1 << AllCategories.Length) - 1)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        select new RedactionCase(PayloadTypes[type], mask, seed));

    [Property(MaxTest = 500, Arbitrary = [typeof(RedactorPropertyTests)])]
    public Property A_redacted_message_never_holds_a_field_whose_category_was_not_released(RedactionCase @case)
    {
        var message = ProtobufInputs.Fill(@case.Type, new Random(@case.Seed));
        var released = CategorySet.Of(AllCategories.Where((_, i) => (@case.Mask & (1 << i)) != 0));

        var leaks = new List<string>();
        FindUnreleased(Redactor.Redact(message, released), released, leaks);

        return (leaks.Count == 0).Label($"{@case.Type.FullName} released as [{released}] kept {string.Join(", ", leaks)}");
    }

    [Fact]
    public void Every_payload_type_is_put_to_the_test() => Assert.True(PayloadTypes.Length >= 10, $"only {PayloadTypes.Length} payload types were found");

    /// <summary>Every field at any depth that holds a value although its category was not released.</summary>
    private static void FindUnreleased(IMessage message, CategorySet released, List<string> leaks)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (!HoldsValue(field, message))
            {
                continue;
            }

            var category = Categories.Of(field);
            if (category == DataCategory.Unspecified || !released.Contains(category))
            {
                leaks.Add($"{field.FullName} ({Categories.NameOf(category)})");
                continue;
            }

            // A message declared in a payload file is classified field by field; a common type (a subject, a period)
            // is one value of the category of the field that holds it.
            if (Categories.IsClassifiedComposite(field))
            {
                foreach (var child in Values(field, message).OfType<IMessage>())
                {
                    FindUnreleased(child, released, leaks);
                }
            }
        }
    }

    private static bool HoldsValue(FieldDescriptor field, IMessage message) =>
        field.IsRepeated || field.IsMap
            ? ((ICollection)field.Accessor.GetValue(message)).Count > 0
            : field.HasPresence
                ? field.Accessor.HasValue(message)
                : field.FieldType == FieldType.Enum
                    ? Convert.ToInt32(field.Accessor.GetValue(message), System.Globalization.CultureInfo.InvariantCulture) != 0
                    : !Equals(field.Accessor.GetValue(message), Default(field));

    private static object? Default(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => string.Empty,
        FieldType.Bytes => ByteString.Empty,
        FieldType.Bool => false,
        FieldType.Double => 0d,
        FieldType.Float => 0f,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 0L,
        FieldType.UInt64 or FieldType.Fixed64 => 0UL,
        FieldType.UInt32 or FieldType.Fixed32 => 0U,
        FieldType.Message or FieldType.Group => null,
        _ => 0,
    };

    private static IEnumerable<object> Values(FieldDescriptor field, IMessage message) =>
        field.IsRepeated ? ((IList)field.Accessor.GetValue(message)).Cast<object>() : [field.Accessor.GetValue(message)];
}

/// <summary>One generated case: a payload type, the released categories as a bit mask over them, and the seed its values come from.</summary>
public sealed record RedactionCase(MessageDescriptor Type, int Mask, int Seed)
{
    public override string ToString() => $"{Type.FullName}, mask {Mask}, seed {Seed}";
}
