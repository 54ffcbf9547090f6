namespace Exchange.Registry.Registrations;

/// <summary>How a refusal reaches the caller: which gRPC status it is answered with.</summary>
public enum RefusalKind
{
    NotFound,
    FailedPrecondition,
    InvalidArgument,
}

/// <summary>Why the registry refuses a change: a stable reason code, the status kind, and a message without personal data.</summary>
public sealed record RegistryRefusal(string ReasonCode, RefusalKind Kind, string Message, string? Field = null);

/// <summary>The registry's reason codes (<c>google.rpc.ErrorInfo.reason</c>, domain exchange.nl). Integrators script against them: only add.</summary>
public static class RegistryReasonCodes
{
    public const string UnknownPartner = "UNKNOWN_PARTNER";
    public const string StateDoesNotAllow = "REGISTRATION_STATE";
    public const string PartnerActive = "PARTNER_ACTIVE";
    public const string PartnerRevoked = "PARTNER_REVOKED";
    public const string FourEyes = "FOUR_EYES";
    public const string ConformanceRequired = "CONFORMANCE_REQUIRED";
    public const string StaleRevision = "STALE_REVISION";
    public const string CertificateRefused = "CERTIFICATE_REFUSED";
    public const string ReasonRequired = "REASON_REQUIRED";
}
