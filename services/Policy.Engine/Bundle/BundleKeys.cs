namespace Exchange.Policy.Engine.Bundle;

/// <summary>
/// The keys each part of a bundle file may have. The JSON Schema in policies/schema states the same; a test
/// compares the two so that an editor's validation and the loader never disagree.
/// </summary>
internal static class BundleKeys
{
    public static readonly string[] File = ["bundle", "purposes", "legal_bases", "partners", "agreements", "signatures", "rules", "hard_denials", "tests"];
    public static readonly string[] Manifest = ["id", "version", "title", "tests_at", "special_categories"];
    public static readonly string[] Purpose = ["id", "title", "description"];
    public static readonly string[] LegalBasis =
        ["id", "law", "article", "summary", "kind", "regime", "holder_domains", "recipient_domains", "purposes", "categories", "special_categories", "only_with", "source", "open_questions"];
    public static readonly string[] Partner = ["id", "name", "domain"];
    public static readonly string[] Signature = ["agreement", "partner", "name", "domain"];
    public static readonly string[] Agreement = ["id", "name", "partners", "valid_from", "valid_to", "legal_bases"];
    public static readonly string[] Scope = ["holder", "recipient", "recipient_roles", "purposes", "kinds", "when"];
    public static readonly string[] Rule = ["id", "description", .. Scope, "legal_basis", "together_with", "categories", "break_glass", "obligations"];
    public static readonly string[] HardDenial = ["id", "description", .. Scope, "categories", "unless", "reason_code"];
    public static readonly string[] When = ["involved", "case_conference", "agreement", "violence_type", "acting_for_other_parent", "joint_session"];
    public static readonly string[] Obligations = ["retention_days", "no_onward_sharing", "notify_holder", "review_required"];
    public static readonly string[] Test = ["name", "at", "request", "facts", "expect"];
    public static readonly string[] TestRequest = ["holder", "recipient", "role", "purpose", "legal_basis", "categories", "kind", "break_glass", "joint_session", "approved_by"];
    public static readonly string[] TestFacts = ["involved", "case_conference", "violence_type", "acting_for_other_parent", "involved_with_alleged_perpetrator", "involved_with_victim"];
    public static readonly string[] TestExpect = ["decision", "released", "awaiting", "denied", "rules", "obligations", "retention_days", "reason_code", "legal_basis", "recipient_told", "recipient_reason_code", "invalid_field"];
}
