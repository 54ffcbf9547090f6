namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// How the gateway and the services validate access tokens: whose tokens (issuer), for what
/// (audience), and how to reach the issuer's signing keys over TLS. There is no setting that turns
/// validation off; without these the service does not start.
/// </summary>
public sealed record TokenOptions
{
    public const string Section = "Tokens";

    /// <summary>The identity service's issuer, e.g. "https://127.0.0.1:7405/"; its discovery document and keys are read from there.</summary>
    public Uri? Issuer { get; init; }

    /// <summary>The audience a token must name.</summary>
    public string Audience { get; init; } = ExchangeClaims.ApiAudience;

    /// <summary>PEM CA that the identity service's TLS certificate must chain to.</summary>
    public string? IssuerCaPath { get; init; }

    /// <summary>Tolerance for clock drift between the identity service and this one.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the signing keys are re-read even when nothing asks for it.</summary>
    public TimeSpan MetadataRefreshInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How soon after the last re-read an unknown key id may trigger another (rotation, or an attacker's noise).</summary>
    public TimeSpan UnknownKeyRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    public Uri MetadataAddress => new(Issuer!, ".well-known/openid-configuration");

    public IEnumerable<string> Validate()
    {
        if (Issuer is null || !Issuer.IsAbsoluteUri || Issuer.Scheme != Uri.UriSchemeHttps)
        {
            yield return $"{Section}:Issuer must be the identity service's https URL.";
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return $"{Section}:Audience is required.";
        }

        if (string.IsNullOrWhiteSpace(IssuerCaPath) || !File.Exists(IssuerCaPath))
        {
            yield return $"{Section}:IssuerCaPath must name the PEM CA of the identity service's certificate.";
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            yield return $"{Section}:ClockSkew must be between 0 and 5 minutes.";
        }

        if (MetadataRefreshInterval < TimeSpan.FromSeconds(1) || UnknownKeyRefreshInterval < TimeSpan.FromSeconds(1))
        {
            yield return $"{Section}:MetadataRefreshInterval and UnknownKeyRefreshInterval must be at least one second.";
        }
    }
}
