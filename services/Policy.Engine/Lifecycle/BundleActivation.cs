using Exchange.Policy.Engine.Bundle;

namespace Exchange.Policy.Engine.Lifecycle;

public enum BundleActivationOutcome
{
    /// <summary>The bundle validated, its own test cases passed, and it now decides.</summary>
    Activated,

    /// <summary>The bundle's content hash is that of the active bundle; nothing changed.</summary>
    Unchanged,

    /// <summary>The bundle did not load or a test case failed; the previous bundle stays active.</summary>
    Rejected,
}

/// <summary>What became of one attempt to activate a bundle; the host logs it.</summary>
public sealed record BundleActivation(
    BundleActivationOutcome Outcome,
    string Source,
    string? BundleId,
    string? BundleVersion,
    string? BundleHash,
    string ActiveHash,
    IReadOnlyList<BundleError> Errors)
{
    public bool IsActivated => Outcome == BundleActivationOutcome.Activated;
}

/// <summary>The first bundle could not be activated, so the service must not start.</summary>
public sealed class BundleRejectedException : Exception
{
    public BundleRejectedException()
        : this("the policy bundle was rejected", [])
    {
    }

    public BundleRejectedException(string message)
        : this(message, [])
    {
    }

    public BundleRejectedException(string message, Exception innerException)
        : base(message, innerException) =>
        Errors = [];

    public BundleRejectedException(string source, IReadOnlyList<BundleError> errors)
        : base($"The policy bundle at '{source}' was rejected:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}") =>
        Errors = errors;

    public IReadOnlyList<BundleError> Errors { get; }
}
