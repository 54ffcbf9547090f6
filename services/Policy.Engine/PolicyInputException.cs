namespace Exchange.Policy.Engine;

/// <summary>One wrong field of a request, named as in the proto (e.g. "legal_basis.id", "categories[2]").</summary>
public sealed record PolicyInputViolation(string Field, string Description);

/// <summary>
/// The request cannot be decided: a field is missing, names something the bundle does not know, or contradicts
/// another. The host answers InvalidArgument with a google.rpc.BadRequest listing <see cref="Violations"/>;
/// nothing is decided and nothing is logged as a disclosure.
/// </summary>
public sealed class PolicyInputException : Exception
{
    public PolicyInputException()
        : this([new PolicyInputViolation(string.Empty, "invalid request")])
    {
    }

    public PolicyInputException(string message)
        : this([new PolicyInputViolation(string.Empty, message)])
    {
    }

    public PolicyInputException(string message, Exception innerException)
        : base(message, innerException) =>
        Violations = [new PolicyInputViolation(string.Empty, message)];

    public PolicyInputException(string field, string message)
        : this([new PolicyInputViolation(field, message)])
    {
    }

    public PolicyInputException(IReadOnlyList<PolicyInputViolation> violations)
        : base($"Invalid request: {string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"))}") =>
        Violations = violations;

    /// <summary>Every wrong field, so a caller can fix them all at once.</summary>
    public IReadOnlyList<PolicyInputViolation> Violations { get; }

    /// <summary>The first wrong field.</summary>
    public string Field => Violations[0].Field;
}
