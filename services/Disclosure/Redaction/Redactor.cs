using System.Collections;
using System.Collections.Concurrent;
using Exchange.Contracts.Classification;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.Disclosure.Redaction;

/// <summary>
/// Removes every field whose category was not released, walking the message by protobuf reflection.
/// A field without a category is never released. The plan per message type is built once.
/// </summary>
public static class Redactor
{
    private static readonly ConcurrentDictionary<MessageDescriptor, FieldPlan[]> Plans = new();

    /// <summary>A copy of <paramref name="message"/> holding only released fields.</summary>
    public static IMessage Redact(IMessage message, CategorySet released)
    {
        var copy = message.Descriptor.Parser.ParseFrom(message.ToByteString());
        ClearInPlace(copy, released);
        return copy;
    }

    /// <summary>
    /// A record's provenance as a recipient may see it: who recorded it and when go with the record, but a source is
    /// named only when the category its kind reveals (<c>(exchange.v1.source_category)</c>) was released; naming a
    /// police report, for one, reveals criminal-law data.
    /// </summary>
    public static Provenance? RedactProvenance(Provenance? provenance, CategorySet released)
    {
        if (provenance is null)
        {
            return null;
        }

        var copy = new Provenance { RecordedBy = provenance.RecordedBy, RecordedAt = provenance.RecordedAt };
        copy.Sources.AddRange(provenance.Sources.Where(s => released.Contains(Categories.OfSource(s.Kind))));
        return copy;
    }

    /// <summary>The categories of the fields that hold a value: what a disclosure of this message would reveal.</summary>
    public static CategorySet PresentCategories(IMessage message)
    {
        var present = CategorySet.Empty;
        foreach (var plan in PlanFor(message.Descriptor))
        {
            if (!HasValue(plan.Field, message))
            {
                continue;
            }

            present = present.With(plan.Category);
            if (plan.Composite)
            {
                foreach (var child in Children(plan.Field, message))
                {
                    present = present.Union(PresentCategories(child));
                }
            }
        }

        return present;
    }

    /// <summary>True when no field of the message holds a value.</summary>
    public static bool IsEmpty(IMessage message) => message.CalculateSize() == 0;

    private static void ClearInPlace(IMessage message, CategorySet released)
    {
        foreach (var plan in PlanFor(message.Descriptor))
        {
            if (!released.Contains(plan.Category))
            {
                plan.Field.Accessor.Clear(message);
            }
            else if (plan.Composite)
            {
                foreach (var child in Children(plan.Field, message))
                {
                    ClearInPlace(child, released);
                }
            }
        }
    }

    private static IEnumerable<IMessage> Children(FieldDescriptor field, IMessage message)
    {
        var value = field.Accessor.GetValue(message);
        if (field.IsRepeated)
        {
            foreach (var item in (IList)value)
            {
                yield return (IMessage)item;
            }
        }
        else if (value is IMessage child)
        {
            yield return child;
        }
    }

    private static bool HasValue(FieldDescriptor field, IMessage message)
    {
        if (field.IsRepeated)
        {
            return ((IList)field.Accessor.GetValue(message)).Count > 0;
        }

        if (field.HasPresence)
        {
            return field.Accessor.HasValue(message);
        }

        var value = field.Accessor.GetValue(message);
        return value switch
        {
            null => false,
            string s => s.Length > 0,
            ByteString b => b.Length > 0,
            bool b => b,
            int i => i != 0,
            uint u => u != 0,
            long l => l != 0,
            ulong ul => ul != 0,
            float f => f != 0,
            double d => d != 0,
            Enum e => Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture) != 0,
            _ => true,
        };
    }

    private static FieldPlan[] PlanFor(MessageDescriptor descriptor) =>
        Plans.GetOrAdd(descriptor, static d => [.. d.Fields.InDeclarationOrder()
            .Select(f => new FieldPlan(f, Categories.Of(f), Categories.IsClassifiedComposite(f)))]);

    private sealed record FieldPlan(FieldDescriptor Field, DataCategory Category, bool Composite);
}
