using System.Diagnostics.Metrics;
using Exchange.Contracts.Ledger;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger;
using Exchange.Policy.Engine;
using Exchange.Policy.Engine.Explanation;
using Exchange.Policy.Facts;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Telemetry;
using Grpc.Core;

namespace Exchange.Policy.Decisions;

/// <summary>
/// Decides a disclosure and writes the decision to the ledger, one entry per subject with the facts it rested on,
/// before answering. A decision that is not durable is never answered: the caller gets Unavailable and releases nothing.
/// </summary>
public sealed partial class DecisionService(
    PolicyEngine engine,
    FactResolver facts,
    IDisclosureLedger ledger,
    TimeProvider time,
    ILogger<DecisionService> logger)
{
    private static readonly Counter<long> Decisions = ExchangeTelemetry.Meter.CreateCounter<long>("exchange.policy.decisions");

    public async Task<DecideResponse> DecideAsync(DecideRequest request, CancellationToken cancellationToken)
    {
        var resolved = await facts.ResolveAsync(request, cancellationToken);
        var decision = Evaluate(request, resolved);

        var response = new DecideResponse { DecisionId = Guid.CreateVersion7().ToString() };
        decision.CopyTo(response);
        response.DecidedBy = decision.DecidedBy(request);
        LedgerAppend append;
        try
        {
            append = await ledger.AppendWithCheckpointAsync(DisclosureEntries.Decisions(request, response, resolved.ToContract(), ExchangeTelemetry.CurrentTraceId), cancellationToken);
        }
        catch (LedgerUnavailableException)
        {
            LogLedgerUnavailable(logger, response.DecisionId);
            throw RpcErrors.Create(StatusCode.Unavailable, ReasonCodes.LedgerUnavailable, "The decision could not be recorded, so it is not given.");
        }

        response.LedgerSequences.AddRange(append.Sequences);
        response.LedgerCheckpoint = append.Checkpoint.Note;
        Decisions.Add(1, new("decision", response.Decision.ToString()), new("purpose", request.Purpose.ToString()));
        LogDecided(logger, response.DecisionId, response.Decision, response.BundleHash);
        return response;
    }

    public async Task<ExplainResponse> ExplainAsync(DecideRequest request, CancellationToken cancellationToken)
    {
        var resolved = await facts.ResolveAsync(request, cancellationToken);
        PolicyExplanation explanation;
        try
        {
            explanation = engine.Explain(request, resolved, time.GetUtcNow());
        }
        catch (PolicyInputException exception)
        {
            throw Invalid(exception);
        }

        var response = new ExplainResponse();
        explanation.CopyTo(response);
        return response;
    }

    private PolicyDecision Evaluate(DecideRequest request, in DecisionFacts resolved)
    {
        try
        {
            return engine.Decide(request, resolved, time.GetUtcNow());
        }
        catch (PolicyInputException exception)
        {
            throw Invalid(exception);
        }
    }

    private static RpcException Invalid(PolicyInputException exception)
    {
        var violations = new FieldViolations();
        foreach (var violation in exception.Violations)
        {
            violations.Add(violation.Field, violation.Description);
        }

        return RpcErrors.CreateInvalidArgument(violations);
    }

    // Debug, and only the outcome: who gave what to whom, for which purpose and under which basis is in the ledger, where
    // it belongs. In a log it would be metadata about families (a legal basis can tell which proceedings concern them),
    // and at Information one line per decision was most of what a loaded exchange still wrote.
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Decision {DecisionId}: {Decision} (bundle {BundleHash})")]
    private static partial void LogDecided(ILogger logger, string decisionId, Decision decision, string bundleHash);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Decision {DecisionId} could not be written to the ledger; refused")]
    private static partial void LogLedgerUnavailable(ILogger logger, string decisionId);
}
