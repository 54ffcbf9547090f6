namespace Exchange.Identity.Clients;

/// <summary>The exchange's own properties on an OpenIddict application.</summary>
public static class ClientProperties
{
    public const string Organisation = "exchange_org";
    public const string Domain = "exchange_domain";

    /// <summary>JSON array of the SHA-256 thumbprints (hex) of the certificates the client may use.</summary>
    public const string CertificateThumbprints = "exchange_cert_sha256";

    /// <summary>An exchange service's role, and the organisations a node acts for (JSON array).</summary>
    public const string ServiceRole = "exchange_service";
    public const string ActsFor = "exchange_acts_for";

    /// <summary>Access token lifetime in seconds, when shorter than the default.</summary>
    public const string AccessTokenLifetime = "exchange_access_token_lifetime";
}
