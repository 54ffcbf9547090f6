using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Errors;
using Google.Protobuf;

namespace Exchange.Node.Validation;

/// <summary>Domain rules for one payload type, e.g. a safety assessment needs a score from 0 to 10.</summary>
public interface IPayloadValidator
{
    /// <summary>The payload's full protobuf name, e.g. "veiligthuis.v1.SafetyAssessment".</summary>
    string PayloadType { get; }

    /// <summary>Adds a violation per wrong field; <paramref name="paths"/> names the request's fields (the payload at paths.Payload).</summary>
    void Validate(IMessage payload, Signal envelope, FieldPaths paths, FieldViolations violations);
}

/// <summary>A validator for one generated payload type.</summary>
public abstract class PayloadValidator<T> : IPayloadValidator
    where T : IMessage<T>, new()
{
    public string PayloadType { get; } = new T().Descriptor.FullName;

    public void Validate(IMessage payload, Signal envelope, FieldPaths paths, FieldViolations violations) =>
        Validate((T)payload, envelope, paths, violations);

    protected abstract void Validate(T payload, Signal envelope, FieldPaths paths, FieldViolations violations);
}
