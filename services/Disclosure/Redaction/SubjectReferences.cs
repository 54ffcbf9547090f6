using System.Collections;
using System.Collections.Concurrent;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.Disclosure.Redaction;

/// <summary>
/// Finds every <c>exchange.v1.SubjectRef</c> in a message, at any depth, so that pseudonyms can be
/// translated at the exchange's edge: organisations only ever see their own pseudonyms.
/// </summary>
public static class SubjectReferences
{
    private static readonly ConcurrentDictionary<MessageDescriptor, FieldDescriptor[]> MessageFields = new();

    /// <summary>Replaces each pseudonym in place with <paramref name="map"/>(pseudonym).</summary>
    public static void Rewrite(IMessage message, Func<string, string> map) =>
        Visit(message, subject => subject.Pseudonym = map(subject.Pseudonym));

    /// <summary>The distinct pseudonyms referenced anywhere in the message.</summary>
    public static IReadOnlySet<string> Collect(IMessage message)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        Visit(message, subject =>
        {
            if (subject.Pseudonym.Length > 0)
            {
                found.Add(subject.Pseudonym);
            }
        });
        return found;
    }

    private static void Visit(IMessage message, Action<SubjectRef> action)
    {
        if (message is SubjectRef subject)
        {
            action(subject);
            return;
        }

        foreach (var field in MessageFields.GetOrAdd(message.Descriptor, static d =>
                     [.. d.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.Message && !f.IsMap && MayHoldSubjects(f.MessageType, []))]))
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (var item in (IList)value)
                {
                    Visit((IMessage)item, action);
                }
            }
            else if (value is IMessage child)
            {
                Visit(child, action);
            }
        }
    }

    private static bool MayHoldSubjects(MessageDescriptor descriptor, HashSet<MessageDescriptor> seen)
    {
        if (descriptor == SubjectRef.Descriptor)
        {
            return true;
        }

        if (!seen.Add(descriptor))
        {
            return false;
        }

        return descriptor.Fields.InDeclarationOrder()
            .Any(f => f.FieldType == FieldType.Message && !f.IsMap && MayHoldSubjects(f.MessageType, seen));
    }
}
