using Exchange.Contracts.V1;
using Exchange.Policy.Tests.Support;

namespace Exchange.Policy.Tests.Compilation;

public sealed class BundleCompilerTests
{
    [Fact]
    public void A_rule_is_indexed_for_each_holder_recipient_and_purpose_it_names()
    {
        var bundle = TestBundle.Compile(TestBundle.Rules(TestBundle.Rule("wide", categories: "SAFETY", holder: "POLICE, VEILIG_THUIS", recipient: "SOCIAL_TEAM, CHILD_PROTECTION", purposes: "SAFETY_ASSESSMENT, RECOVERY_PLANNING")));

        foreach (var (holder, recipient) in new[] { ("police", Domain.Police), ("vt", Domain.VeiligThuis) }.SelectMany(h => new[] { Domain.SocialTeam, Domain.ChildProtection }.Select(r => (h, r))))
        {
            foreach (var purpose in new[] { Purpose.SafetyAssessment, Purpose.RecoveryPlanning })
            {
                var decision = PolicyEvaluatorAccess.Decide(bundle, Requests.Decide(holder.Item1, "social", purpose, "basis-a", DataCategory.Safety), Requests.Facts(holder.Item2, recipient), Requests.Now);
                Assert.Equal(Decision.Permit, decision.Decision);
            }
        }

        var other = PolicyEvaluatorAccess.Decide(bundle, Requests.Decide("vt", "police", Purpose.SafetyAssessment, "basis-a", DataCategory.Safety), Requests.Facts(Domain.VeiligThuis, Domain.Police), Requests.Now);
        Assert.Equal(Decision.Deny, other.Decision);
    }

    [Fact]
    public void More_rules_than_a_decision_can_record_for_one_request_are_rejected_at_load()
    {
        var rules = string.Concat(Enumerable.Range(0, 65).Select(i =>
            $"  - {{id: r{i}, holder: [POLICE], recipient: [VEILIG_THUIS], purposes: [SAFETY_ASSESSMENT], legal_basis: basis-a, categories: [SAFETY]}}\n"));

        var errors = TestBundle.Errors("rules:\n" + rules);

        Assert.Contains(errors, e => e.Message.StartsWith("65 rules for holder POLICE, recipient VEILIG_THUIS, purpose SAFETY_ASSESSMENT under legal basis 'basis-a'", StringComparison.Ordinal));
    }
}
