namespace Exchange.ServiceDefaults.Errors;

/// <summary>
/// Stable reason codes carried in <c>google.rpc.ErrorInfo.reason</c> and in category denials.
/// Partners program against these strings: never rename one, only add.
/// </summary>
public static class ReasonCodes
{
    public const string Domain = "exchange.nl";

    public const string InvalidArgument = "INVALID_ARGUMENT";
    public const string PolicyUnavailable = "POLICY_UNAVAILABLE";
    public const string LedgerUnavailable = "LEDGER_UNAVAILABLE";
    public const string IndexUnavailable = "INDEX_UNAVAILABLE";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string ActorMismatch = "ACTOR_MISMATCH";
    public const string UnknownHolder = "UNKNOWN_HOLDER";
    public const string UnknownOrganisation = "UNKNOWN_ORGANISATION";
    public const string ScopeMissing = "SCOPE_MISSING";
    public const string DomainNotAllowed = "DOMAIN_NOT_ALLOWED";
    public const string RateLimited = "RATE_LIMITED";
    public const string InternalError = "INTERNAL_ERROR";

    // Policy outcomes.
    public const string NoPermittingRule = "NO_PERMITTING_RULE";
    public const string PurposeNotCovered = "PURPOSE_NOT_COVERED";
    public const string HardDenial = "HARD_DENIAL";
    public const string DeniedByPolicy = "DENIED_BY_POLICY";
}
