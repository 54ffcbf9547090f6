using Exchange.Contracts.Policy.V1;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Evaluation;
using Exchange.Policy.Engine.Explanation;
using Exchange.Policy.Engine.Lifecycle;

namespace Exchange.Policy.Engine;

/// <summary>
/// The policy decision point: holds the active compiled bundle and decides requests against it. A new bundle
/// replaces the active one whole, atomically, and only after it loaded and its own test cases passed; a decision
/// in progress finishes on the bundle it started with, and carries that bundle's hash.
/// </summary>
public sealed class PolicyEngine
{
    private readonly Lock _activation = new();
    private CompiledBundle _active;

    private PolicyEngine(CompiledBundle active) => _active = active;

    /// <summary>The bundle that decides now.</summary>
    public CompiledBundle ActiveBundle => Volatile.Read(ref _active);

    /// <summary>Loads, validates and tests the bundle in a directory; throws when it cannot be activated, so the service does not start.</summary>
    /// <exception cref="BundleRejectedException">The bundle does not load or one of its test cases fails.</exception>
    public static PolicyEngine Start(string directory) => Start(BundleActivator.Prepare(directory), directory);

    /// <inheritdoc cref="Start(string)"/>
    public static PolicyEngine Start(BundleSource source) => Start(BundleActivator.Prepare(source), source.DisplayRoot);

    /// <inheritdoc cref="Start(string)"/>
    public static PolicyEngine Start(Func<BundleSource> compose, string displayRoot) => Start(BundleActivator.Prepare(compose, displayRoot), displayRoot);

    /// <summary>Decides a request on the active bundle.</summary>
    /// <exception cref="PolicyInputException">A field is missing or names something the bundle does not know.</exception>
    public PolicyDecision Decide(DecideRequest request, in DecisionFacts facts, DateTimeOffset now) =>
        PolicyEvaluator.Decide(ActiveBundle, request, facts, now);

    /// <summary>Explains how the active bundle decides a request; the same evaluation as <see cref="Decide"/>.</summary>
    /// <exception cref="PolicyInputException">A field is missing or names something the bundle does not know.</exception>
    public PolicyExplanation Explain(DecideRequest request, in DecisionFacts facts, DateTimeOffset now) =>
        Explainer.Explain(ActiveBundle, request, facts, now);

    /// <summary>Activates the bundle in a directory if it loads and its test cases pass; otherwise keeps the active one.</summary>
    public BundleActivation TryActivate(string directory) => TryActivate(() => BundleActivator.Prepare(directory), directory);

    /// <inheritdoc cref="TryActivate(string)"/>
    public BundleActivation TryActivate(BundleSource source) => TryActivate(() => BundleActivator.Prepare(source), source.DisplayRoot);

    /// <inheritdoc cref="TryActivate(string)"/>
    public BundleActivation TryActivate(Func<BundleSource> compose, string displayRoot) => TryActivate(() => BundleActivator.Prepare(compose, displayRoot), displayRoot);

    private static PolicyEngine Start(BundleLoadResult prepared, string source) =>
        prepared.Bundle is { } bundle ? new PolicyEngine(bundle) : throw new BundleRejectedException(source, prepared.Errors);

    private BundleActivation TryActivate(Func<BundleLoadResult> prepare, string source)
    {
        lock (_activation)
        {
            var previous = ActiveBundle;
            var prepared = prepare();
            if (prepared.Bundle is not { } bundle)
            {
                return new BundleActivation(BundleActivationOutcome.Rejected, source, null, null, null, previous.Hash, prepared.Errors);
            }

            if (bundle.Hash == previous.Hash)
            {
                return new BundleActivation(BundleActivationOutcome.Unchanged, source, bundle.Id, bundle.Version, bundle.Hash, previous.Hash, []);
            }

            Volatile.Write(ref _active, bundle);
            return new BundleActivation(BundleActivationOutcome.Activated, source, bundle.Id, bundle.Version, bundle.Hash, bundle.Hash, []);
        }
    }
}
