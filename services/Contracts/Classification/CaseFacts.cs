using System.Collections;
using System.Collections.Concurrent;
using Exchange.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Contracts.Classification;

/// <summary>
/// What one payload says about the case, from the fields its contract marks with <c>(exchange.v1.fact)</c>:
/// who is alleged to have used violence and against whom, and, for a safety assessment, its score, date and
/// violence-type indication. People are the pseudonyms the payload holds.
/// </summary>
public sealed record CaseFactReading(
    IReadOnlyList<string> AllegedPerpetrators,
    IReadOnlyList<string> Victims,
    bool IsSafetyAssessment,
    uint? Score,
    Timestamp? AssessedAt,
    ViolenceType ViolenceType)
{
    public static CaseFactReading None { get; } = new([], [], false, null, null, ViolenceType.Unspecified);
}

/// <summary>
/// Reads the case facts the contracts declare, so that no service needs to know a domain's payload types: a new
/// payload that marks its fields is understood by the index and the nodes without a code change.
/// </summary>
public static class CaseFacts
{
    private static readonly ConcurrentDictionary<MessageDescriptor, (FieldDescriptor Field, CaseFact Fact)[]> Plans = new();

    /// <summary>The case fact a field carries, or <see cref="CaseFact.Unspecified"/>.</summary>
    public static CaseFact Of(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(AnnotationsExtensions.Fact) ?? CaseFact.Unspecified;

    /// <summary>True for a payload type that is a safety assessment: it has a field marked as the safety score.</summary>
    public static bool IsSafetyAssessment(MessageDescriptor payloadType) =>
        PlanFor(payloadType).Any(f => f.Fact == CaseFact.SafetyScore);

    public static CaseFactReading Read(IMessage? payload)
    {
        if (payload is null || PlanFor(payload.Descriptor) is not { Length: > 0 } plan)
        {
            return CaseFactReading.None;
        }

        List<string> perpetrators = [];
        List<string> victims = [];
        var assessment = false;
        uint? score = null;
        Timestamp? assessedAt = null;
        var violenceType = ViolenceType.Unspecified;
        foreach (var (field, fact) in plan)
        {
            switch (fact)
            {
                case CaseFact.AllegedPerpetrator:
                    perpetrators.AddRange(People(field, payload));
                    break;
                case CaseFact.Victim:
                    victims.AddRange(People(field, payload));
                    break;
                case CaseFact.SafetyScore:
                    assessment = true;
                    if (!field.HasPresence || field.Accessor.HasValue(payload))
                    {
                        score = Convert.ToUInt32(field.Accessor.GetValue(payload), System.Globalization.CultureInfo.InvariantCulture);
                    }

                    break;
                case CaseFact.AssessedAt:
                    assessedAt = field.Accessor.GetValue(payload) as Timestamp;
                    break;
                case CaseFact.ViolenceType:
                    violenceType = (ViolenceType)Convert.ToInt32(field.Accessor.GetValue(payload), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    break;
            }
        }

        return new CaseFactReading(perpetrators, victims, assessment, score, assessedAt, violenceType);
    }

    private static IEnumerable<string> People(FieldDescriptor field, IMessage payload)
    {
        var value = field.Accessor.GetValue(payload);
        var people = field.IsRepeated ? ((IList)value).Cast<object>() : [value];
        foreach (var person in people)
        {
            if (person is SubjectRef { Pseudonym.Length: > 0 } subject)
            {
                yield return subject.Pseudonym;
            }
        }
    }

    private static (FieldDescriptor Field, CaseFact Fact)[] PlanFor(MessageDescriptor descriptor) =>
        Plans.GetOrAdd(descriptor, static d => [.. d.Fields.InDeclarationOrder()
            .Select(f => (f, Of(f)))
            .Where(f => f.Item2 != CaseFact.Unspecified)]);
}
