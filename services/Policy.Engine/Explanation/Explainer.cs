using System.Text;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Evaluation;

namespace Exchange.Policy.Engine.Explanation;

/// <summary>
/// Explains a request by deciding it with a recording trace, so the account is of the very evaluation Decide
/// performs, and adds what the evaluation did not need to look at: rules between the same domains that do not
/// apply to this purpose or legal basis, and the reason of each denied category.
/// </summary>
internal static class Explainer
{
    public static PolicyExplanation Explain(CompiledBundle bundle, DecideRequest request, in DecisionFacts facts, DateTimeOffset now)
    {
        var cited = RequestValidator.Validate(bundle, request, facts, out var requested);
        var basis = cited ?? BasisSelection.Choose(bundle, request, facts, now, requested).LegalBasis;
        var trace = new RecordingTrace([]);
        var decision = PolicyEvaluator.Evaluate(bundle, request, facts, now, basis, chosen: cited is null, requested, ref trace);
        var steps = trace.Steps;
        steps.AddRange(OtherRulesBetween(bundle, request, facts, decision, steps));
        foreach (var denial in decision.Denials.Where(d => d.RuleId.Length == 0))
        {
            steps.Add(new ExplanationStep(string.Empty, ExplanationOutcomes.Denies, [denial.Category], $"{denial.ReasonCode}: {denial.Explanation}"));
        }

        return new PolicyExplanation(decision, steps, Text(decision, request, facts, steps));
    }

    private static IEnumerable<ExplanationStep> OtherRulesBetween(CompiledBundle bundle, DecideRequest request, DecisionFacts facts, PolicyDecision decision, List<ExplanationStep> evaluated)
    {
        var seen = evaluated.Select(s => s.RuleId).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in bundle.Rules)
        {
            var scope = rule.Definition.Scope;
            if (seen.Contains(rule.Id) || !scope.Holders.Contains(facts.HolderDomain) || !scope.Recipients.Contains(facts.RecipientDomain))
            {
                continue;
            }

            var reason = !Masks.Contains(rule.Scope.Holders, (int)facts.HolderDomain)
                ? $"its legal basis '{rule.Basis.Id}' cannot be invoked by a holder of domain {Vocabularies.Domains.NameOf(facts.HolderDomain)}"
                : !Masks.Contains(rule.Scope.Purposes, (int)request.Purpose)
                    ? $"it covers {string.Join(", ", Masks.Numbers(rule.Scope.Purposes).Select(p => Vocabularies.Purposes.NameOf((Purpose)p)))}, not {Vocabularies.Purposes.NameOf(request.Purpose)}"
                    : $"it applies under legal basis '{rule.Basis.Id}', not '{decision.LegalBasis?.Id}'";
            yield return new ExplanationStep(rule.Id, ExplanationOutcomes.NotApplicable, [], reason);
        }
    }

    private static string Text(PolicyDecision decision, DecideRequest request, DecisionFacts facts, IReadOnlyList<ExplanationStep> steps)
    {
        var text = new StringBuilder();
        var role = request.Recipient.Role.Length > 0 ? $", role '{request.Recipient.Role}'" : string.Empty;
        var basis = decision.LegalBasis is not { } decidedUnder ? "under no legal basis (no rule names one for this flow and purpose)"
            : decision.LegalBasisChosen ? $"under legal basis '{decidedUnder.Id}' (chosen: the request cited none)"
            : $"under legal basis '{decidedUnder.Id}'";
        text.AppendLine($"Policy bundle {decision.BundleId} {decision.BundleVersion} (sha256 {decision.BundleHash}).")
            .AppendLine($"Request: {Vocabularies.Kinds.NameOf(request.Kind)} of {decision.Requested} from {request.HolderOrganisationId} ({Vocabularies.Domains.NameOf(facts.HolderDomain)}) to {request.Recipient.OrganisationId} ({Vocabularies.Domains.NameOf(facts.RecipientDomain)}{role}) for {Vocabularies.Purposes.NameOf(request.Purpose)} {basis}.")
            .AppendLine($"Facts: involved {YesNo(facts.RecipientInvolved)}; case conference {YesNo(facts.RecipientInCaseConference)}; violence type {Vocabularies.ViolenceTypes.NameOf(facts.ViolenceType)}; involved with the alleged perpetrator {YesNo(facts.RecipientInvolvedWithAllegedPerpetrator)}, with the victim {YesNo(facts.RecipientInvolvedWithVictim)}; declared acting for the other parent {YesNo(facts.ActingForOtherParent)}; on the other parent's side {YesNo(facts.OnOtherParentsSide)}; joint session {YesNo(request.JointSession)}; break-glass {YesNo(request.BreakGlass is not null)}.");
        foreach (var step in steps)
        {
            var who = step.RuleId.Length > 0 ? $"'{step.RuleId}'" : "(no rule)";
            var categories = step.Categories.Count > 0 ? $" {string.Join(", ", step.Categories.Select(Vocabularies.Categories.NameOf))}" : string.Empty;
            text.AppendLine($"- {who} {step.Outcome}{categories}: {step.Reason}.");
        }

        text.AppendLine($"Decision: {Vocabularies.Decisions.NameOf(decision.Decision)}.");
        if (!decision.Released.IsEmpty)
        {
            text.AppendLine($"Released: {decision.Released}.");
        }

        foreach (var denial in decision.Denials)
        {
            text.AppendLine($"Denied: {Vocabularies.Categories.NameOf(denial.Category)}, {denial.ReasonCode}: {denial.Explanation}.");
        }

        if (!decision.Obligations.IsEmpty)
        {
            text.AppendLine($"Obligations: {decision.Obligations}.");
        }

        if (decision.RuleIds.Count > 0)
        {
            text.AppendLine($"Decided by: {string.Join(", ", decision.RuleIds)}.");
        }

        return text.ToString();
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
