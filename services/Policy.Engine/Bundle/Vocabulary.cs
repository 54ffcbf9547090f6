using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Exchange.Contracts.V1;
using Google.Protobuf.Reflection;

namespace Exchange.Policy.Engine.Bundle;

/// <summary>
/// The names a bundle uses for the contracts' enums: the protobuf value name without its prefix
/// ("PURPOSE_ACUTE_SAFETY" is written ACUTE_SAFETY). Read from the descriptors, so a value added to a
/// .proto file is known to the bundle without a code change.
/// </summary>
/// <typeparam name="TEnum">The generated C# enum.</typeparam>
public sealed class Vocabulary<TEnum>
    where TEnum : struct, Enum
{
    private readonly FrozenDictionary<string, TEnum> _byName;
    private readonly string[] _names;

    internal Vocabulary(EnumDescriptor descriptor, string prefix)
    {
        // Values are read as ints without boxing on the decision path; protobuf enums always are.
        if (Enum.GetUnderlyingType(typeof(TEnum)) != typeof(int))
        {
            throw new ArgumentException($"{typeof(TEnum).Name} is not an int enum", nameof(descriptor));
        }

        var values = descriptor.Values.Where(v => v.Number != 0).ToList();
        MaxNumber = descriptor.Values.Max(v => v.Number);
        _names = new string[MaxNumber + 1];
        foreach (var value in descriptor.Values)
        {
            _names[value.Number] = value.Name.StartsWith(prefix, StringComparison.Ordinal) ? value.Name[prefix.Length..] : value.Name;
        }

        _byName = descriptor.Values.ToFrozenDictionary(v => _names[v.Number], v => (TEnum)Enum.ToObject(typeof(TEnum), v.Number), StringComparer.Ordinal);
        Values = [.. values.Select(v => (TEnum)Enum.ToObject(typeof(TEnum), v.Number))];
        Kind = descriptor.Name;
    }

    /// <summary>The enum's name in the contracts, e.g. "DataCategory"; used in error messages.</summary>
    public string Kind { get; }

    /// <summary>The highest number any value has; tables indexed by the enum are this long plus one.</summary>
    public int MaxNumber { get; }

    /// <summary>Every value except the unspecified zero, in number order.</summary>
    public IReadOnlyList<TEnum> Values { get; }

    /// <summary>The names a bundle may write, in number order.</summary>
    public IEnumerable<string> Names => Values.Select(NameOf);

    /// <summary>Parses a bundle name; UNSPECIFIED only where a test case deliberately sends an invalid request.</summary>
    public bool TryParse(string name, out TEnum value, bool allowUnspecified = false) =>
        _byName.TryGetValue(name, out value) && (allowUnspecified || IsDefined(value));

    /// <summary>The bundle name of a value, or its number when the contracts do not know it.</summary>
    public string NameOf(TEnum value)
    {
        var number = Number(value);
        return number >= 0 && number < _names.Length && _names[number] is { } name ? name : number.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True for a value the contracts define other than the unspecified zero.</summary>
    public bool IsDefined(TEnum value)
    {
        var number = Number(value);
        return number > 0 && number <= MaxNumber && _names[number] is not null;
    }

    private static int Number(TEnum value) => Unsafe.As<TEnum, int>(ref value);
}

/// <summary>The vocabularies of the enums a bundle names.</summary>
public static class Vocabularies
{
    public static Vocabulary<DataCategory> Categories { get; } = new(ClassificationReflection.Descriptor.FindTypeByName<EnumDescriptor>("DataCategory"), "DATA_CATEGORY_");

    public static Vocabulary<Purpose> Purposes { get; } = new(CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>("Purpose"), "PURPOSE_");

    public static Vocabulary<Domain> Domains { get; } = new(CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>("Domain"), "DOMAIN_");

    public static Vocabulary<DisclosureKind> Kinds { get; } = new(CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>("DisclosureKind"), "DISCLOSURE_KIND_");

    public static Vocabulary<ViolenceType> ViolenceTypes { get; } = new(ViolenceReflection.Descriptor.FindTypeByName<EnumDescriptor>("ViolenceType"), "VIOLENCE_TYPE_");

    public static Vocabulary<Decision> Decisions { get; } = new(CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>("Decision"), "DECISION_");

    public static Vocabulary<ObligationKind> Obligations { get; } = new(CommonReflection.Descriptor.FindTypeByName<EnumDescriptor>("ObligationKind"), "OBLIGATION_KIND_");
}
