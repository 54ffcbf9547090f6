using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Exchange.Policy.Engine.Bundle;

/// <summary>
/// Reads one YAML mapping of a bundle file into typed values, reporting every wrong, missing or unknown key
/// with its file, line and column. A value that cannot be read is reported and replaced by an empty one, so
/// that reading goes on and the editor learns every problem at once.
/// </summary>
internal sealed partial class MappingReader
{
    private readonly YamlMappingNode _node;
    private readonly string _file;
    private readonly BundleErrors _errors;

    public MappingReader(YamlMappingNode node, string file, string what, IReadOnlyCollection<string> keys, BundleErrors errors)
    {
        _node = node;
        _file = file;
        _errors = errors;
        What = what;
        foreach (var key in node.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!keys.Contains(name))
            {
                errors.Add(At(key), $"unknown key '{name}' in {what}; expected one of: {string.Join(", ", keys)}");
            }
        }
    }

    public string What { get; }

    public SourceLocation Location => At(_node);

    public SourceLocation At(YamlNode node) => new(_file, (int)node.Start.Line, (int)node.Start.Column);

    public void Error(YamlNode node, string message) => _errors.Add(At(node), message);

    public void Error(string message) => _errors.Add(Location, message);

    public YamlNode? Node(string key) =>
        _node.Children.TryGetValue(new YamlScalarNode(key), out var value) && !IsNull(value) ? value : null;

    public bool Has(string key) => Node(key) is not null;

    public string? OptionalString(string key) => Node(key) is { } node ? Scalar(node, key) : null;

    public string RequiredString(string key)
    {
        if (Node(key) is { } node)
        {
            return Scalar(node, key) ?? string.Empty;
        }

        Error($"{What} has no '{key}'");
        return string.Empty;
    }

    /// <summary>An id other parts of the bundle refer to: lower case letters, digits, '-', '.' and '_'.</summary>
    public string RequiredId(string key = "id")
    {
        var id = RequiredString(key);
        if (id.Length > 0 && !IdPattern().IsMatch(id))
        {
            Error(Node(key)!, $"'{id}' is not a valid id: use lower case letters, digits, '-', '.' and '_'");
        }

        return id;
    }

    public Reference? OptionalReference(string key) =>
        Node(key) is { } node && Scalar(node, key) is { } id ? new Reference(id, At(node)) : null;

    public Reference RequiredReference(string key) =>
        OptionalReference(key) ?? Missing(key, new Reference(string.Empty, Location));

    public bool Flag(string key)
    {
        if (Node(key) is not { } node || Scalar(node, key) is not { } text)
        {
            return false;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(node, $"'{key}' must be true or false, not '{text}'");
        return false;
    }

    /// <summary>A condition is written only to require it, so false is a mistake rather than a way to say "not".</summary>
    public bool RequirementFlag(string key)
    {
        if (Node(key) is { } node && !Flag(key) && Scalar(node, key) is { } text && bool.TryParse(text, out _))
        {
            Error(node, $"'{key}: false' has no meaning: leave the condition out instead");
        }

        return Flag(key);
    }

    public uint? OptionalCount(string key)
    {
        if (Node(key) is not { } node || Scalar(node, key) is not { } text)
        {
            return null;
        }

        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value;
        }

        Error(node, $"'{key}' must be a whole number above zero, not '{text}'");
        return null;
    }

    /// <summary>A moment: a date (midnight UTC) or an ISO 8601 date and time, with an offset or in UTC.</summary>
    public DateTimeOffset? OptionalTime(string key)
    {
        if (Node(key) is not { } node || Scalar(node, key) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        Error(node, $"'{key}' must be a date (2026-01-31) or a date and time (2026-01-31T02:00:00+01:00), not '{text}'");
        return null;
    }

    public DateTimeOffset RequiredTime(string key) => OptionalTime(key) ?? Missing(key, DateTimeOffset.MinValue);

    public TEnum? OptionalEnum<TEnum>(string key, Vocabulary<TEnum> vocabulary, bool allowUnspecified = false)
        where TEnum : struct, Enum =>
        Node(key) is { } node && Scalar(node, key) is { } text ? ParseEnum(node, text, vocabulary, allowUnspecified) : null;

    public TEnum RequiredEnum<TEnum>(string key, Vocabulary<TEnum> vocabulary, bool allowUnspecified = false)
        where TEnum : struct, Enum =>
        OptionalEnum(key, vocabulary, allowUnspecified) ?? Missing(key, default(TEnum));

    /// <summary>A list of enum names; with <paramref name="allowAll"/> the scalar ALL stands for every value.</summary>
    public IReadOnlyList<TEnum> EnumList<TEnum>(string key, Vocabulary<TEnum> vocabulary, bool required, bool allowAll = false, bool allowUnspecified = false)
        where TEnum : struct, Enum
    {
        if (allowAll && Node(key) is YamlScalarNode { Value: "ALL" })
        {
            return vocabulary.Values;
        }

        var values = new List<TEnum>();
        foreach (var (node, text) in Items(key, required))
        {
            if (ParseEnum(node, text, vocabulary, allowUnspecified) is { } value)
            {
                if (values.Contains(value))
                {
                    Error(node, $"'{text}' is listed twice in '{key}'");
                }

                values.Add(value);
            }
        }

        return values;
    }

    public IReadOnlyList<string> StringList(string key, bool required) => [.. Items(key, required).Select(i => i.Text)];

    public IReadOnlyList<Reference> ReferenceList(string key, bool required) =>
        [.. Items(key, required).Select(i => new Reference(i.Text, At(i.Node)))];

    public MappingReader? Mapping(string key, string what, IReadOnlyCollection<string> keys, bool required = false)
    {
        switch (Node(key))
        {
            case YamlMappingNode mapping:
                return new MappingReader(mapping, _file, what, keys, _errors);
            case null:
                if (required)
                {
                    Error($"{What} has no '{key}'");
                }

                return null;
            case var other:
                Error(other, $"'{key}' must be a mapping of keys to values");
                return null;
        }
    }

    /// <summary>The entries of a mapping whose keys are data (e.g. category → reason code).</summary>
    public IEnumerable<(YamlNode Key, string KeyText, YamlNode Value, string? ValueText)> Entries(string key)
    {
        switch (Node(key))
        {
            case YamlMappingNode mapping:
                foreach (var (k, v) in mapping.Children)
                {
                    yield return (k, (k as YamlScalarNode)?.Value ?? string.Empty, v, (v as YamlScalarNode)?.Value);
                }

                break;
            case null:
                break;
            case var other:
                Error(other, $"'{key}' must be a mapping");
                break;
        }
    }

    public IEnumerable<MappingReader> MappingSequence(string key, string what, IReadOnlyCollection<string> keys)
    {
        switch (Node(key))
        {
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    if (item is YamlMappingNode mapping)
                    {
                        yield return new MappingReader(mapping, _file, what, keys, _errors);
                    }
                    else
                    {
                        Error(item, $"each entry of '{key}' must be a mapping ({what})");
                    }
                }

                break;
            case null:
                break;
            case var other:
                Error(other, $"'{key}' must be a list");
                break;
        }
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain };

    private IEnumerable<(YamlNode Node, string Text)> Items(string key, bool required)
    {
        switch (Node(key))
        {
            case YamlSequenceNode sequence:
                if (required && sequence.Children.Count == 0)
                {
                    Error(sequence, $"'{key}' must name at least one value");
                }

                foreach (var item in sequence.Children)
                {
                    if (Scalar(item, key) is { } text)
                    {
                        yield return (item, text);
                    }
                }

                break;
            case null:
                if (required)
                {
                    Error($"{What} has no '{key}'");
                }

                break;
            case var other:
                Error(other, $"'{key}' must be a list, e.g. [A, B]");
                break;
        }
    }

    private string? Scalar(YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: { } value })
        {
            return value;
        }

        Error(node, $"'{key}' must be a single value here, not a list or mapping");
        return null;
    }

    private TEnum? ParseEnum<TEnum>(YamlNode node, string text, Vocabulary<TEnum> vocabulary, bool allowUnspecified)
        where TEnum : struct, Enum
    {
        if (vocabulary.TryParse(text, out var value, allowUnspecified))
        {
            return value;
        }

        Error(node, $"unknown {vocabulary.Kind} '{text}'; expected one of: {string.Join(", ", vocabulary.Names)}");
        return null;
    }

    /// <summary>The fallback for a required value; reports it missing unless it was written and already reported as wrong.</summary>
    private T Missing<T>(string key, T fallback)
    {
        if (!Has(key))
        {
            Error($"{What} has no '{key}'");
        }

        return fallback;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex IdPattern();
}
