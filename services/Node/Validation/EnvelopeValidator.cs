using Exchange.Contracts.Classification;
using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;

namespace Exchange.Node.Validation;

/// <summary>
/// What every published signal needs, whatever its domain: provenance and a time (its people are checked
/// as they are translated, see <see cref="OwnPseudonyms"/>).
/// </summary>
public static class EnvelopeValidator
{
    public static void Validate(Signal signal, string organisationId, FieldPaths paths, FieldViolations violations)
    {
        var provenance = signal.Provenance;
        violations.Require(provenance is not null, paths.Provenance, "provenance is required: who recorded this, when, on what it rests");
        if (provenance is not null)
        {
            violations.Require(
                provenance.RecordedBy is { ProfessionalId.Length: > 0 },
                $"{paths.Provenance}.recorded_by.professional_id",
                "the recording professional is required");
            violations.Require(provenance.RecordedAt is not null, $"{paths.Provenance}.recorded_at", "the recording time is required");
            if (provenance.RecordedBy is { OrganisationId.Length: > 0 } recordedBy)
            {
                violations.Require(recordedBy.OrganisationId == organisationId, $"{paths.Provenance}.recorded_by.organisation_id", "must be your own organisation");
            }

            for (var i = 0; i < provenance.Sources.Count; i++)
            {
                violations.Require(provenance.Sources[i].Kind != SourceKind.Unspecified, $"{paths.Provenance}.sources[{i}].kind", "the kind of source is required");
            }
        }

        violations.Require(signal.OccurredAt is not null, paths.OccurredAt, "when it happened is required");
        if (signal.OccurredAt is not null && provenance?.RecordedAt is not null)
        {
            violations.Require(
                signal.OccurredAt.ToDateTimeOffset() <= DateTimeOffset.UtcNow.AddMinutes(5),
                paths.OccurredAt,
                "lies in the future");
        }
    }

    /// <summary>
    /// The payload, when it is present, of a type this domain publishes, and decodes as that type; otherwise
    /// null, with the violation (a payload that does not decode is refused on its <c>value</c>).
    /// </summary>
    public static IMessage? ValidatePayload(Signal signal, string payloadPackage, string path, FieldViolations violations)
    {
        if (signal.Payload is null)
        {
            violations.Add(path, "the payload is required");
            return null;
        }

        var type = Payloads.TypeName(signal.Payload);
        if (!Payloads.ByName.TryGetValue(type, out var descriptor) || descriptor.File.Package != payloadPackage)
        {
            violations.Add(path, $"'{type}' is not a {payloadPackage} payload");
            return null;
        }

        try
        {
            return descriptor.Parser.ParseFrom(signal.Payload.Value);
        }
        catch (InvalidProtocolBufferException)
        {
            violations.Add($"{path}.value", $"does not decode as {type}");
            return null;
        }
    }
}

/// <summary>How the envelope's fields are named in the request at hand (typed publishes nest them under "header").</summary>
public sealed record FieldPaths(string Subjects, string Provenance, string OccurredAt, string IdempotencyKey, string Payload)
{
    public static FieldPaths Generic { get; } = new("signal.subjects", "signal.provenance", "signal.occurred_at", "signal.idempotency_key", "signal.payload");

    public static FieldPaths Typed(string payloadField) =>
        new("header.subjects", "header.provenance", "header.occurred_at", "header.idempotency_key", payloadField);
}
