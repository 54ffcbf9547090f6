using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;

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
}
