using System.Collections;
using System.Collections.Concurrent;
using Exchange.Contracts.Classification;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.ServiceDefaults.Requests;

/// <summary>
/// Enforces the bounds the contracts declare on their fields (<c>exchange.v1.limits</c>, see
/// protos/exchange/v1/limits.proto) on a whole request, nested messages and signal payloads included, and
/// refuses a payload whose bytes do not decode as the type it claims. Every violation names its field; none
/// repeats the value.
/// </summary>
public static class ContractLimits
{
    /// <summary>What an Any's type URL may hold: "type.googleapis.com/" and a full message name.</summary>
    public const int MaxTypeUrlLength = 256;

    private const int MaxDepth = 32;

    private static readonly ConcurrentDictionary<MessageDescriptor, FieldRule[]> Rules = new();

    public static void Check(IMessage message, FieldViolations violations, string prefix = "") => Check(message, violations, prefix, 0);

    private static void Check(IMessage message, FieldViolations violations, string prefix, int depth)
    {
        if (depth > MaxDepth)
        {
            violations.Add(prefix, "nested too deeply");
            return;
        }

        if (message is Any any)
        {
            CheckPayload(any, violations, prefix, depth);
            return;
        }

        foreach (var rule in Rules.GetOrAdd(message.Descriptor, Describe))
        {
            var path = Join(prefix, rule.Field.Name);
            var value = rule.Field.Accessor.GetValue(message);
            if (rule.Field.IsRepeated)
            {
                var items = (IList)value;
                if (rule.MaxItems > 0 && items.Count > rule.MaxItems)
                {
                    violations.Add(path, $"at most {rule.MaxItems} items");
                    continue;
                }

                for (var i = 0; i < items.Count; i++)
                {
                    CheckValue(items[i], rule, violations, $"{path}[{i}]", depth);
                }
            }
            else
            {
                CheckValue(value, rule, violations, path, depth);
            }
        }
    }

    private static void CheckValue(object? value, FieldRule rule, FieldViolations violations, string path, int depth)
    {
        switch (value)
        {
            case string text when rule.MaxLength > 0 && text.Length > rule.MaxLength && CodePoints(text) > rule.MaxLength:
                violations.Add(path, $"at most {rule.MaxLength} characters");
                break;
            case IMessage child:
                Check(child, violations, path, depth + 1);
                break;
        }
    }

    /// <summary>A payload is checked as the message it claims to be; one that does not decode as that type is refused.</summary>
    private static void CheckPayload(Any any, FieldViolations violations, string path, int depth)
    {
        if (any.TypeUrl.Length > MaxTypeUrlLength)
        {
            violations.Add(Join(path, "type_url"), $"at most {MaxTypeUrlLength} characters");
            return;
        }

        if (!Payloads.ByName.TryGetValue(Payloads.TypeName(any), out var type))
        {
            // Not a payload type at all: the publishing service names the field when it refuses it.
            return;
        }

        IMessage payload;
        try
        {
            payload = type.Parser.ParseFrom(any.Value);
        }
        catch (InvalidProtocolBufferException)
        {
            violations.Add(Join(path, "value"), $"does not decode as {type.FullName}");
            return;
        }

        Check(payload, violations, path, depth + 1);
    }

    /// <summary>The fields worth visiting: those with a bound, and messages that may hold some.</summary>
    private static FieldRule[] Describe(MessageDescriptor descriptor) =>
        [.. descriptor.Fields.InDeclarationOrder()
            .Where(f => !f.IsMap)
            .Select(f =>
            {
                var options = f.GetOptions();
                var limits = options?.HasExtension(LimitsExtensions.Limits) == true ? options.GetExtension(LimitsExtensions.Limits) : null;
                return new FieldRule(f, (int)(limits?.MaxLength ?? 0), (int)(limits?.MaxItems ?? 0));
            })
            .Where(r => r.MaxLength > 0 || r.MaxItems > 0 || r.Field.FieldType == FieldType.Message)];

    private static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private sealed record FieldRule(FieldDescriptor Field, int MaxLength, int MaxItems);
}
