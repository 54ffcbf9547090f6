namespace Exchange.ServiceDefaults.Errors;

/// <summary>
/// Stable reason codes carried in <c>google.rpc.ErrorInfo.reason</c> and in category denials. The contract
/// lists them as <c>exchange.v1.ReasonCode</c> (protos/exchange/v1/errors.proto, each without its "REASON_CODE_"
/// prefix); a test keeps the two the same. Partners program against these strings: never rename one, only add.
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

    // Caller authentication and authorization (gateway and services).
    public const string CertificateRequired = "CERTIFICATE_REQUIRED";
    public const string CertificateRejected = "CERTIFICATE_REJECTED";
    public const string TokenMissing = "TOKEN_MISSING";
    public const string TokenInvalid = "TOKEN_INVALID";
    public const string TokenExpired = "TOKEN_EXPIRED";
    public const string TokenWrongAudience = "TOKEN_WRONG_AUDIENCE";
    public const string TokenNotBound = "TOKEN_NOT_BOUND";
    public const string IdentityMismatch = "IDENTITY_MISMATCH";
    public const string IdentityUnavailable = "IDENTITY_UNAVAILABLE";
    public const string RpcNotExposed = "RPC_NOT_EXPOSED";
    public const string HolderNotCaller = "HOLDER_NOT_CALLER";
    public const string MessageTooLarge = "MESSAGE_TOO_LARGE";
    public const string InternalError = "INTERNAL_ERROR";
    public const string ProtocolNotSupported = "PROTOCOL_NOT_SUPPORTED";

    // Things that are not there, or not reachable now.
    public const string InvolvementNotFound = "INVOLVEMENT_NOT_FOUND";
    public const string UnknownService = "UNKNOWN_SERVICE";
    public const string HolderUnavailable = "HOLDER_UNAVAILABLE";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string GatewayRestarting = "GATEWAY_RESTARTING";

    // Policy outcomes.
    public const string NoPermittingRule = "NO_PERMITTING_RULE";
    public const string PurposeNotCovered = "PURPOSE_NOT_COVERED";
    public const string HardDenial = "HARD_DENIAL";
    public const string DeniedByPolicy = "DENIED_BY_POLICY";

    // A request the policy left to the holder (a right the holder weighs), and what its professional decided.
    public const string HolderApproved = Exchange.Contracts.Ledger.DisclosureEntries.HolderApproved;
    public const string HolderDeclined = Exchange.Contracts.Ledger.DisclosureEntries.HolderDeclined;
    public const string HolderDecisionExpired = Exchange.Contracts.Ledger.DisclosureEntries.HolderDecisionExpired;
    public const string HolderDecisionNotFound = "HOLDER_DECISION_NOT_FOUND";
    public const string HolderDecisionAlreadyMade = "HOLDER_DECISION_ALREADY_MADE";
    public const string HolderDecisionInProgress = "HOLDER_DECISION_IN_PROGRESS";
}
