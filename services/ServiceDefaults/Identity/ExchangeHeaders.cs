namespace Exchange.ServiceDefaults.Identity;

/// <summary>
/// Call metadata names. The gateway removes every inbound <c>x-exchange-*</c> header and sets
/// the verified ones itself, so a service can trust them only behind the gateway.
/// </summary>
public static class ExchangeHeaders
{
    /// <summary>Set by the caller: the organisation whose data is asked for; the gateway routes by it.</summary>
    public const string Holder = "exchange-holder";

    /// <summary>Set by the gateway: the verified calling organisation.</summary>
    public const string Organisation = "x-exchange-organisation";

    /// <summary>Set by the gateway: SHA-256 thumbprint of the verified client certificate.</summary>
    public const string CertificateThumbprint = "x-exchange-client-cert-sha256";

    /// <summary>
    /// Set by an exchange service on an internal call: "Bearer " and its own access token, bound to the client
    /// certificate of the call's TLS connection. Apart from <c>authorization</c>, which may carry the token of the
    /// person or partner the call is made for (the console's officer).
    /// </summary>
    public const string ServiceAuthorization = "x-exchange-service-authorization";

    /// <summary>The prefix the gateway strips from every inbound request.</summary>
    public const string ReservedPrefix = "x-exchange-";
}
