using Exchange.Contracts.Classification;
using System.Numerics;
using Exchange.Contracts.Policy.V1;
using Exchange.Contracts.V1;
using Exchange.Policy.Engine.Compilation;
using Exchange.Policy.Engine.Evaluation;

namespace Exchange.Policy.Engine;

/// <summary>A requested category that was not released, and why.</summary>
public readonly record struct PolicyDenial(DataCategory Category, DenialReason Reason)
{
    public string ReasonCode => Reason.ReasonCode;

    public string RuleId => Reason.RuleId;

    public string Explanation => Reason.Explanation;

    /// <summary>The denial as the recipient may be told it (see <see cref="DenialReason.ForRecipient"/>).</summary>
    public PolicyDenial ForRecipient => new(Category, Reason.ForRecipient);

    public CategoryDenial ToContract() => new()
    {
        Category = Category,
        ReasonCode = Reason.ReasonCode,
        RuleId = Reason.RuleId,
        Explanation = Reason.Explanation,
        AgreementId = Reason.AgreementId,
    };
}

/// <summary>The legal basis a decision was made under, and whether the policy chose it (the requester cited none).</summary>
internal readonly record struct DecisionBasis(CompiledLegalBasis? Basis, bool Chosen);

/// <summary>
/// The outcome of one request: which categories go and which do not (each with its reason), the rules that decided,
/// the duties that come with the data, and the bundle that decided. It is the only object a decision allocates;
/// lists are read from it without copying, or written straight into a <see cref="DecideResponse"/>.
/// </summary>
public sealed class PolicyDecision
{
    private readonly DenialBuffer _reasons;
    private readonly CompiledRule[] _rules;
    private readonly ulong _decisiveRules;
    private readonly CompiledHardDenial[] _hardDenials;
    private readonly ulong _firedHardDenials;
    private IReadOnlyList<string>? _ruleIds;

    internal PolicyDecision(
        CompiledBundle bundle,
        DecisionBasis basis,
        uint requested,
        uint released,
        in DenialBuffer reasons,
        CompiledRule[] rules,
        ulong decisiveRules,
        CompiledHardDenial[] hardDenials,
        ulong firedHardDenials,
        ObligationSet obligations,
        string reasonCode,
        string recipientReasonCode,
        bool breakGlassUsed)
    {
        Bundle = bundle;
        LegalBasis = basis.Basis;
        LegalBasisChosen = basis.Chosen;
        RecipientReasonCode = recipientReasonCode;
        Requested = new CategorySet(requested);
        Released = new CategorySet(released);
        Denied = new CategorySet(requested & ~released);
        Decision = released == 0 ? Decision.Deny : released == requested ? Decision.Permit : Decision.PartialPermit;
        _reasons = reasons;
        _rules = rules;
        _decisiveRules = decisiveRules;
        _hardDenials = hardDenials;
        _firedHardDenials = firedHardDenials;
        Obligations = obligations;
        ReasonCode = reasonCode;
        BreakGlassUsed = breakGlassUsed;
    }

    public Decision Decision { get; }

    public CategorySet Requested { get; }

    public CategorySet Released { get; }

    public CategorySet Denied { get; }

    /// <summary>Empty unless something was released.</summary>
    public ObligationSet Obligations { get; }

    /// <summary>
    /// For a denial: the most specific reason among the denied categories (the first in request order when equal);
    /// empty otherwise. See <see cref="PolicyReasonCodes.Order"/>.
    /// </summary>
    public string ReasonCode { get; }

    /// <summary>For a denial: <see cref="ReasonCode"/> as the recipient may be told it; empty otherwise.</summary>
    public string RecipientReasonCode { get; }

    /// <summary>
    /// The legal basis the decision was made under: the one the request cited, or the one the policy chose when it
    /// cited none. Null only when no rule names any basis for this holder, recipient and purpose.
    /// </summary>
    public CompiledLegalBasis? LegalBasis { get; }

    /// <summary>True when the request cited no legal basis and the policy chose <see cref="LegalBasis"/>.</summary>
    public bool LegalBasisChosen { get; }

    /// <summary>True when break-glass released something the rules would otherwise not have released.</summary>
    public bool BreakGlassUsed { get; }

    public CompiledBundle Bundle { get; }

    public string BundleId => Bundle.Id;

    public string BundleVersion => Bundle.Version;

    public string BundleHash => Bundle.Hash;

    /// <summary>Every denied category with its reason, in category order.</summary>
    public IEnumerable<PolicyDenial> Denials
    {
        get
        {
            foreach (var category in Denied)
            {
                yield return new PolicyDenial(category, _reasons[(int)category]!);
            }
        }
    }

    /// <summary>The hard denials that removed categories, then the rules that released or (by an unmet condition) withheld them.</summary>
    public IReadOnlyList<string> RuleIds => _ruleIds ??= [.. EnumerateRuleIds()];

    /// <summary>Why a category was not released; null when it was released or not requested.</summary>
    public DenialReason? ReasonFor(DataCategory category) => Denied.Contains(category) ? _reasons[(int)category] : null;

    /// <summary>Fills a response's decision fields; the host adds decision_id and ledger_sequences.</summary>
    public void CopyTo(DecideResponse response)
    {
        response.Decision = Decision;
        foreach (var category in Released)
        {
            response.Released.Add(category);
        }

        foreach (var denial in Denials)
        {
            response.Denied.Add(denial.ToContract());
            response.RecipientDenied.Add(denial.ForRecipient.ToContract());
        }

        foreach (var id in EnumerateRuleIds())
        {
            response.RuleIds.Add(id);
        }

        foreach (var obligation in Obligations)
        {
            response.Obligations.Add(new Obligation { Kind = obligation.Kind, RetentionDays = obligation.RetentionDays });
        }

        response.BundleId = BundleId;
        response.BundleHash = BundleHash;
        response.ReasonCode = ReasonCode;
        response.RecipientReasonCode = RecipientReasonCode;
        response.LegalBasis = LegalBasis is { } basis ? new LegalBasisRef { Id = basis.Id } : null;
        response.LegalBasisChosen = LegalBasisChosen;
        response.BreakGlassUsed = BreakGlassUsed;
    }

    private IEnumerable<string> EnumerateRuleIds()
    {
        for (var bits = _firedHardDenials; bits != 0; bits &= bits - 1)
        {
            yield return _hardDenials[BitOperations.TrailingZeroCount(bits)].Id;
        }

        for (var bits = _decisiveRules; bits != 0; bits &= bits - 1)
        {
            yield return _rules[BitOperations.TrailingZeroCount(bits)].Id;
        }
    }
}
