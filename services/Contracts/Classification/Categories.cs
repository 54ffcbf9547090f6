using Exchange.Contracts.V1;
using Google.Protobuf.Reflection;

namespace Exchange.Contracts.Classification;

/// <summary>Reads the <c>(exchange.v1.category)</c> option that classifies each payload field.</summary>
public static class Categories
{
    private static readonly EnumDescriptor CategoryEnum = ClassificationReflection.Descriptor.FindTypeByName<EnumDescriptor>("DataCategory");

    /// <summary>The category's name as the contracts and the policy bundle write it, e.g. "INCIDENT".</summary>
    public static string NameOf(DataCategory category) =>
        CategoryEnum.FindValueByNumber((int)category)?.Name["DATA_CATEGORY_".Length..] ?? ((int)category).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly EnumDescriptor SourceKindEnum = CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>("SourceKind");

    /// <summary>The field's category, or <see cref="DataCategory.Unspecified"/> when it has none.</summary>
    public static DataCategory Of(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(ClassificationExtensions.Category) ?? DataCategory.Unspecified;

    /// <summary>
    /// The category a record of this payload type reveals by existing (its type name, times and provenance), from
    /// <c>(exchange.v1.record_category)</c>; <see cref="DataCategory.Unspecified"/> when the type declares none, and
    /// such a record is never disclosed.
    /// </summary>
    public static DataCategory OfRecord(MessageDescriptor payloadType) =>
        payloadType.GetOptions()?.GetExtension(AnnotationsExtensions.RecordCategory) ?? DataCategory.Unspecified;

    /// <summary>The category naming a source of this kind reveals, from <c>(exchange.v1.source_category)</c>.</summary>
    public static DataCategory OfSource(SourceKind kind) =>
        SourceKindEnum.FindValueByNumber((int)kind)?.GetOptions()?.GetExtension(AnnotationsExtensions.SourceCategory) ?? DataCategory.Unspecified;

    /// <summary>
    /// Every field, at any depth, that carries no category: "police.v1.DomesticViolenceIncident.narrative".
    /// Nested messages of the same package are walked too, because redaction walks into them.
    /// </summary>
    public static IReadOnlyList<string> Unclassified(MessageDescriptor message)
    {
        var missing = new List<string>();
        Walk(message, missing, []);
        return missing;
    }

    /// <summary>
    /// True when redaction walks into a field's message rather than treating it as one value: a message
    /// declared beside its container or in a payload file is classified field by field; a common type
    /// (SubjectRef, Period, Timestamp) takes the category of the field that holds it.
    /// </summary>
    public static bool IsClassifiedComposite(FieldDescriptor field) =>
        field.FieldType == FieldType.Message && !field.IsMap
        && (field.MessageType.File == field.ContainingType.File || Payloads.Files.Contains(field.MessageType.File));

    private static void Walk(MessageDescriptor message, List<string> missing, HashSet<string> seen)
    {
        if (!seen.Add(message.FullName))
        {
            return;
        }

        foreach (var field in message.Fields.InDeclarationOrder())
        {
            if (Of(field) == DataCategory.Unspecified)
            {
                missing.Add($"{message.FullName}.{field.Name}");
            }

            if (IsClassifiedComposite(field))
            {
                Walk(field.MessageType, missing, seen);
            }
        }
    }
}
