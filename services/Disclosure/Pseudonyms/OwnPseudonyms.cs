using System.Collections;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.Disclosure.Pseudonyms;

/// <summary>
/// Turns the people a caller names (in its own pseudonyms) into exchange pseudonyms, with a violation on the
/// field of each one that is not the caller's own: a typo, or another organisation's pseudonym.
/// </summary>
public static class OwnPseudonyms
{
    public const string NotOwn = "not a pseudonym of your organisation; resolve the person through exchange.v1.Pseudonyms first";

    public static string? Translate(this PseudonymCodec codec, SubjectRef? subject, string organisationId, string field, FieldViolations violations, bool required = true)
    {
        if (subject is null || subject.Pseudonym.Length == 0)
        {
            violations.Require(!required, field, "the person's pseudonym is required");
            return null;
        }

        if (codec.TryFromOrganisation(subject.Pseudonym, organisationId, out var exchange))
        {
            return exchange;
        }

        violations.Add(field, NotOwn);
        return null;
    }

    /// <summary>At least one person; each reported as <c>field[i].pseudonym</c>; duplicates named once.</summary>
    public static List<string> TranslateAll(this PseudonymCodec codec, IReadOnlyList<SubjectRef> subjects, string organisationId, string field, FieldViolations violations)
    {
        violations.Require(subjects.Count > 0, field, "at least one person is required");
        var translated = new List<string>(subjects.Count);
        for (var i = 0; i < subjects.Count; i++)
        {
            if (codec.Translate(subjects[i], organisationId, $"{field}[{i}].pseudonym", violations) is { } exchange && !translated.Contains(exchange))
            {
                translated.Add(exchange);
            }
        }

        return translated;
    }

    /// <summary>
    /// Rewrites every person a payload names, at any depth, to the exchange pseudonym, in place; each one that is
    /// not the publisher's own is a violation on its own field, e.g. <c>order.protected_persons[1].pseudonym</c>.
    /// </summary>
    public static void TranslatePayload(this PseudonymCodec codec, IMessage payload, string organisationId, string path, FieldViolations violations) =>
        VisitSubjects(payload, path, (subject, field) =>
        {
            if (subject.Pseudonym.Length == 0)
            {
                violations.Add($"{field}.pseudonym", "the person's pseudonym is required");
            }
            else if (codec.TryFromOrganisation(subject.Pseudonym, organisationId, out var exchange))
            {
                subject.Pseudonym = exchange;
            }
            else
            {
                violations.Add($"{field}.pseudonym", NotOwn);
            }
        });

    private static void VisitSubjects(IMessage message, string path, Action<SubjectRef, string> action)
    {
        if (message is SubjectRef subject)
        {
            action(subject, path);
            return;
        }

        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsMap)
            {
                continue;
            }

            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                var items = (IList)value;
                for (var i = 0; i < items.Count; i++)
                {
                    VisitSubjects((IMessage)items[i]!, $"{path}.{field.Name}[{i}]", action);
                }
            }
            else if (value is IMessage child)
            {
                VisitSubjects(child, $"{path}.{field.Name}", action);
            }
        }
    }
}
