namespace Exchange.ServiceDefaults.Security;

/// <summary>Claims the identity service puts in access tokens and every validator reads.</summary>
public static class ExchangeClaims
{
    /// <summary>The organisation the client belongs to (the CN of its certificate).</summary>
    public const string Organisation = "exchange_org";

    /// <summary>The organisation's domain (police, veilig-thuis, child-protection, youth-protection, social-team).</summary>
    public const string Domain = "exchange_domain";

    /// <summary>
    /// An exchange service's own client: its role (the <c>exchange.v1.ServiceRole</c> name without prefix, e.g.
    /// <c>NODE</c>). Partners' clients carry none, so a partner's token never passes an internal rule.
    /// </summary>
    public const string ServiceRole = "exchange_service";

    /// <summary>A node's client: each organisation whose data it holds (one claim each); it decides and logs only for these.</summary>
    public const string ActsFor = "exchange_acts_for";

    public const string ClientId = "client_id";

    public const string Scope = "scope";

    /// <summary>RFC 8705 confirmation: <c>{"x5t#S256": base64url(SHA-256(certificate DER))}</c>.</summary>
    public const string Confirmation = "cnf";

    public const string CertificateThumbprint = "x5t#S256";

    /// <summary>The resource (audience) of the exchange's partner API: the gateway and every service behind it.</summary>
    public const string ApiAudience = "exchange-api";

    /// <summary>The resource of the privacy officers' console; its tokens are not accepted by the API.</summary>
    public const string ConsoleAudience = "exchange-console";
}
