using Exchange.Contracts.V1;

namespace Exchange.Policy.Engine.Bundle;

/// <summary>A bundle as its files state it, validated: every reference resolves and every id is unique.</summary>
public sealed record PolicyBundle(
    BundleManifest Manifest,
    IReadOnlyList<PurposeDefinition> Purposes,
    IReadOnlyList<LegalBasisDefinition> LegalBases,
    IReadOnlyList<PartnerDefinition> Partners,
    IReadOnlyList<AgreementDefinition> Agreements,
    IReadOnlyList<RuleDefinition> Rules,
    IReadOnlyList<HardDenialDefinition> HardDenials,
    IReadOnlyList<BundleTestCase> TestCases,
    IReadOnlyList<string> Files,
    string Hash);

/// <summary>
/// The bundle's identity. <see cref="TestsAt"/> is the moment its own test cases are decided at unless a case
/// names one, so that the cases keep their outcome as agreements start and end.
/// </summary>
public sealed record BundleManifest(
    string Id,
    string Version,
    string Title,
    DateTimeOffset TestsAt,
    IReadOnlyList<DataCategory> SpecialCategories,
    SourceLocation Location);

public sealed record PurposeDefinition(Purpose Purpose, string Title, string Description, SourceLocation Location);

/// <summary>
/// A legal basis: its direction (who may give, to whom), its kind (a right the giver weighs, a task, ...), what it
/// covers, whether it stands alone, where it was read and what a lawyer must still confirm. Special categories
/// (health, criminal-law data) are listed apart so that covering one is a deliberate, visible choice.
/// </summary>
public sealed record LegalBasisDefinition(
    string Id,
    string Law,
    string Article,
    string Summary,
    IReadOnlyList<Domain> HolderDomains,
    IReadOnlyList<Purpose> Purposes,
    IReadOnlyList<DataCategory> Categories,
    IReadOnlyList<DataCategory> SpecialCategories,
    SourceLocation Location)
{
    /// <summary>The domains the basis lets the holder give to; empty only in a bundle that does not say (then any).</summary>
    public IReadOnlyList<Domain> RecipientDomains { get; init; } = [];

    public BasisKind Kind { get; init; } = BasisKind.Task;

    public BasisRegime Regime { get; init; } = BasisRegime.Avg;

    /// <summary>For a basis that never stands alone: the bases it may be cited with (one of them must be).</summary>
    public IReadOnlyList<Reference> OnlyWith { get; init; } = [];

    /// <summary>Where the article was read (an address or a publication).</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>What no source settled: each a question for a lawyer (*to confirm*).</summary>
    public IReadOnlyList<string> OpenQuestions { get; init; } = [];

    /// <summary>A right the giver weighs: a professional of the holder decides each request under it.</summary>
    public bool WeighedByHolder => Kind == BasisKind.Right;

    /// <summary>False for an addition or an agreement: neither is a ground to disclose on.</summary>
    public bool IsGround => Kind is not (BasisKind.Addition or BasisKind.Agreement);
}

/// <summary>
/// A partner the bundle's agreements and test cases name. At run time the host resolves domains from the
/// registry; the bundle's list lets it check agreements and run its own cases without one.
/// </summary>
public sealed record PartnerDefinition(string Id, string Name, Domain Domain, SourceLocation Location);

/// <summary>A covenant partners signed; in force from <see cref="ValidFrom"/> up to, not including, <see cref="ValidTo"/>.</summary>
public sealed record AgreementDefinition(
    string Id,
    string Name,
    IReadOnlyList<Reference> Partners,
    DateTimeOffset ValidFrom,
    DateTimeOffset? ValidTo,
    IReadOnlyList<Reference> LegalBases,
    SourceLocation Location);

/// <summary>
/// A partner's signature under an agreement, as the partner registry records it: the policy service writes these from
/// the registry, so a partner onboarded later signs without the bundle's files changing. The partner is defined by
/// its signature when the bundle does not define it.
/// </summary>
public sealed record SignatureDefinition(Reference Agreement, string PartnerId, string PartnerName, Domain Domain, SourceLocation Location);

/// <summary>An id written in one place that must name something defined elsewhere; kept with its position for the error.</summary>
public sealed record Reference(string Id, SourceLocation Location);

/// <summary>The <c>when</c> block: facts of the case that must all hold. Absent means "not required".</summary>
public sealed record ConditionsDefinition(
    bool Involved,
    bool CaseConference,
    Reference? Agreement,
    IReadOnlyList<ViolenceType> ViolenceTypes,
    bool ActingForOtherParent,
    bool JointSession)
{
    public static ConditionsDefinition None { get; } = new(false, false, null, [], false, false);

    public bool IsEmpty => !Involved && !CaseConference && Agreement is null && ViolenceTypes.Count == 0 && !ActingForOtherParent && !JointSession;
}

/// <summary>Who and what a rule, hard denial or exception is about. An empty list means any.</summary>
public sealed record ScopeDefinition(
    IReadOnlyList<Domain> Holders,
    IReadOnlyList<Domain> Recipients,
    IReadOnlyList<string> RecipientRoles,
    IReadOnlyList<Purpose> Purposes,
    IReadOnlyList<DisclosureKind> Kinds,
    ConditionsDefinition When,
    SourceLocation Location);

public sealed record ObligationsDefinition(uint? RetentionDays, bool NoOnwardSharing, bool NotifyHolder, bool ReviewRequired)
{
    public static ObligationsDefinition None { get; } = new(null, false, false, false);
}

/// <summary>
/// A permission: the holder's domain may release these categories to the recipient for these purposes under one
/// legal basis, the ground; <see cref="TogetherWith"/> are the provisions cited with it (an AVG article and the
/// national provision it needs, e.g. for health data).
/// </summary>
public sealed record RuleDefinition(
    string Id,
    string Description,
    ScopeDefinition Scope,
    Reference LegalBasis,
    IReadOnlyList<DataCategory> Categories,
    bool BreakGlass,
    ObligationsDefinition Obligations,
    SourceLocation Location)
{
    public IReadOnlyList<Reference> TogetherWith { get; init; } = [];
}

/// <summary>A denial no rule can override; <see cref="Unless"/> lists the situations it leaves alone.</summary>
public sealed record HardDenialDefinition(
    string Id,
    string Description,
    IReadOnlyList<DataCategory> Categories,
    ScopeDefinition Scope,
    IReadOnlyList<ScopeDefinition> Unless,
    string ReasonCode,
    SourceLocation Location);

/// <summary>One of the bundle's own cases: a request, the facts the host would resolve, and what must come out.</summary>
public sealed record BundleTestCase(
    string Name,
    TestRequestDefinition Request,
    TestFactsDefinition Facts,
    DateTimeOffset? At,
    TestExpectation Expect,
    SourceLocation Location);

public sealed record TestRequestDefinition(
    string Holder,
    string Recipient,
    string Role,
    Purpose Purpose,
    string LegalBasis,
    IReadOnlyList<DataCategory> Categories,
    DisclosureKind Kind,
    string? BreakGlassJustification,
    bool JointSession)
{
    /// <summary>A pull a professional of the holder weighed and approved: that professional's id.</summary>
    public string? ApprovedBy { get; init; }
}

public sealed record TestFactsDefinition(
    bool Involved,
    bool CaseConference,
    ViolenceType ViolenceType,
    bool ActingForOtherParent,
    bool InvolvedWithAllegedPerpetrator,
    bool InvolvedWithVictim)
{
    public static TestFactsDefinition None { get; } = new(false, false, ViolenceType.Unspecified, false, false, false);
}

/// <summary>What a case checks; a null member is not checked.</summary>
public sealed record TestExpectation(
    Decision? Decision,
    IReadOnlyList<DataCategory>? Released,
    IReadOnlyDictionary<DataCategory, string>? Denied,
    IReadOnlyList<string>? Rules,
    IReadOnlyList<ObligationKind>? Obligations,
    uint? RetentionDays,
    string? ReasonCode,
    string? InvalidField)
{
    /// <summary>The legal basis the decision must be made under (cited or chosen).</summary>
    public string? LegalBasis { get; init; }

    /// <summary>What the recipient is told per denied category (reasons resting on the subjects' data masked).</summary>
    public IReadOnlyDictionary<DataCategory, string>? RecipientTold { get; init; }

    /// <summary>The decision's reason as the recipient is told it.</summary>
    public string? RecipientReasonCode { get; init; }

    /// <summary>For HOLDER_DECISION_REQUIRED: the categories that wait for a professional of the holder.</summary>
    public IReadOnlyList<DataCategory>? Awaiting { get; init; }
}
