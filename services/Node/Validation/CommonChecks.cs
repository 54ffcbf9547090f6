using Exchange.Contracts.V1;
using Exchange.Disclosure.Validation;
using Exchange.ServiceDefaults.Errors;

namespace Exchange.Node.Validation;

/// <summary>Checks that payload validators of every domain share.</summary>
public static class CommonChecks
{
    public static void RequireSubject(this FieldViolations violations, SubjectRef? subject, string field) =>
        violations.Require(subject is { Pseudonym.Length: > 0 }, field, "the person is required");

    public static void RequireSubjects(this FieldViolations violations, IReadOnlyCollection<SubjectRef> subjects, string field) =>
        violations.Require(subjects.Count > 0 && subjects.All(s => s.Pseudonym.Length > 0), field, "at least one person is required");

    /// <summary>A text that must be given; its length bound is the contract's (<c>exchange.v1.limits</c>).</summary>
    public static void RequireText(this FieldViolations violations, string value, string field) =>
        violations.Require(!string.IsNullOrWhiteSpace(value), field, "is required");

    public static void RequireDefined<TEnum>(this FieldViolations violations, TEnum value, string field)
        where TEnum : struct, Enum =>
        violations.Require(Enum.IsDefined(value) && Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) != 0, field, "a known value is required");

    /// <summary>A period needs a start; its end, when given (or required), must follow the start.</summary>
    public static void RequirePeriod(this FieldViolations violations, Period? period, string field, bool endRequired) =>
        PeriodChecks.Require(violations, period, field, endRequired);

    /// <summary>
    /// A safety assessment of any domain: a score from 0 to 10, when it was made, and at least one
    /// source in the signal's provenance; without its basis an assessment is not accepted.
    /// </summary>
    public static void RequireAssessment(this FieldViolations violations, bool hasScore, uint score, Google.Protobuf.WellKnownTypes.Timestamp? assessedAt, Signal envelope, FieldPaths paths)
    {
        violations.Require(hasScore, $"{paths.Payload}.score", "the score (0 to 10) is required");
        violations.Require(!hasScore || score <= 10, $"{paths.Payload}.score", "must be between 0 and 10");
        violations.Require(assessedAt is not null, $"{paths.Payload}.assessed_at", "when the assessment was made is required");
        violations.Require(envelope.Provenance is { Sources.Count: > 0 }, $"{paths.Provenance}.sources", "a safety assessment must name at least one source it rests on");
    }
}
