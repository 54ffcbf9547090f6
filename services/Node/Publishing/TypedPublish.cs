using Exchange.Contracts.V1;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Node.Publishing;

/// <summary>Turns a typed domain publish (header + payload) into the one publish path.</summary>
public static class TypedPublish
{
    public static async Task<PublishResponse> PublishAsync(
        this SignalPublisher publisher, ServerCallContext context, SignalHeader? header, IMessage? payload, string payloadField)
    {
        var violations = new FieldViolations();
        violations.Require(header is not null, "header", "the signal header is required");
        violations.Require(payload is not null, payloadField, "the payload is required");
        violations.ThrowIfAny();

        var signal = new Signal
        {
            Provenance = header!.Provenance,
            OccurredAt = header.OccurredAt,
            IdempotencyKey = header.IdempotencyKey,
            Payload = Any.Pack(payload!),
        };
        signal.Subjects.AddRange(header.Subjects);
        return await publisher.PublishAsync(CallerIdentity.From(context), signal, FieldPaths.Typed(payloadField), context.CancellationToken);
    }
}
