using Exchange.Contracts.V1;
using Exchange.Node.Hosting;
using Exchange.Disclosure.Pseudonyms;
using Exchange.Disclosure.Redaction;
using Exchange.Node.Store;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Identity;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Node.Publishing;

/// <summary>
/// Accepts a signal from the organisation that recorded it: checks it, replaces the organisation's
/// pseudonyms by exchange pseudonyms, stores it once, and hands it to routing.
/// </summary>
public sealed class SignalPublisher(
    NodeContext node,
    SignalStore store,
    PseudonymCodec codec,
    IEnumerable<IPayloadValidator> validators,
    IEnumerable<ISignalRouter> routers,
    TimeProvider time)
{
    private readonly Dictionary<string, IPayloadValidator> _validators = validators.ToDictionary(v => v.PayloadType, StringComparer.Ordinal);

    public async Task<PublishResponse> PublishAsync(CallerIdentity caller, Signal signal, FieldPaths paths, CancellationToken cancellationToken)
    {
        node.RequireHosted(caller.OrganisationId);
        var violations = new FieldViolations();
        var subjects = codec.TranslateAll(signal.Subjects, caller.OrganisationId, paths.Subjects, violations);
        EnvelopeValidator.Validate(signal, caller.OrganisationId, paths, violations);
        var payload = EnvelopeValidator.ValidatePayload(signal, node.Domain.PayloadPackage, paths.Payload, violations);
        if (payload is not null)
        {
            if (_validators.TryGetValue(payload.Descriptor.FullName, out var validator))
            {
                validator.Validate(payload, signal, paths, violations);
            }

            codec.TranslatePayload(payload, caller.OrganisationId, paths.Payload, violations);
        }

        violations.ThrowIfAny();

        var stored = ToExchangeForm(signal, subjects, payload!, caller.OrganisationId);
        var (result, duplicate) = store.Add(stored);
        if (!duplicate)
        {
            foreach (var router in routers)
            {
                await router.RouteAsync(result, cancellationToken);
            }
        }

        return new PublishResponse { SignalId = result.Id, Duplicate = duplicate };
    }

    private Signal ToExchangeForm(Signal published, IReadOnlyList<string> subjects, IMessage payload, string organisationId)
    {
        var signal = new Signal
        {
            Id = Guid.CreateVersion7().ToString(),
            HolderOrganisationId = organisationId,
            Provenance = published.Provenance.Clone(),
            OccurredAt = published.OccurredAt,
            Payload = Any.Pack(payload),
            IdempotencyKey = published.IdempotencyKey,
            PublishedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        signal.Provenance.RecordedBy.OrganisationId = organisationId;
        signal.Subjects.AddRange(subjects.Select(s => new SubjectRef { Pseudonym = s }));
        return signal;
    }
}

/// <summary>Delivers a stored signal to every involved organisation (each delivery a decided disclosure).</summary>
public interface ISignalRouter
{
    Task RouteAsync(StoredSignal signal, CancellationToken cancellationToken);
}
