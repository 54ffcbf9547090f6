using System.Net;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>
/// Where a service listens. Plain <c>http://</c> is for loopback development only and
/// speaks HTTP/2 without TLS; <c>https://</c> needs a certificate and may require client certificates.
/// </summary>
public sealed record EndpointOptions
{
    public const string Section = "Endpoint";

    /// <summary>e.g. "http://127.0.0.1:7401"; port 0 picks a free port (tests).</summary>
    public string Url { get; init; } = "http://127.0.0.1:0";

    /// <summary>PEM certificate for https.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>PEM private key for https.</summary>
    public string? KeyPath { get; init; }

    /// <summary>PEM CA certificate that client certificates must chain to.</summary>
    public string? ClientCaPath { get; init; }

    /// <summary>PEM CRL signed by that CA; required with <see cref="ClientCaPath"/>, re-read when it changes.</summary>
    public string? ClientRevocationListPath { get; init; }

    /// <summary>True: no connection without a valid client certificate. False: one is asked for but optional.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>
    /// Where other exchange services make their internal calls, e.g. "https://127.0.0.1:7421": TLS with this
    /// endpoint's certificate, a client certificate of <see cref="ClientCaPath"/> required, so that each internal
    /// call's token can be checked against the calling service's own certificate. Null: no internal endpoint.
    /// </summary>
    public string? InternalUrl { get; init; }

    public Uri ParsedUrl => new(Url);

    public bool IsHttps => ParsedUrl.Scheme == Uri.UriSchemeHttps;

    public IPAddress Address =>
        ParsedUrl.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(ParsedUrl.Host.Trim('[', ']'));

    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"{Section}:Url must be an absolute http or https URL, not '{Url}'.";
            yield break;
        }

        if (url.Host != "localhost" && !IPAddress.TryParse(url.Host.Trim('[', ']'), out _))
        {
            yield return $"{Section}:Url must name an IP address or localhost, not '{url.Host}'.";
        }

        if (url.Scheme == Uri.UriSchemeHttps && (string.IsNullOrEmpty(CertificatePath) || string.IsNullOrEmpty(KeyPath)))
        {
            yield return $"{Section}:CertificatePath and {Section}:KeyPath are required for https.";
        }

        if (InternalUrl is not null && (!Uri.TryCreate(InternalUrl, UriKind.Absolute, out var internalUrl) || internalUrl.Scheme != Uri.UriSchemeHttps
            || string.IsNullOrEmpty(CertificatePath) || string.IsNullOrEmpty(KeyPath) || string.IsNullOrEmpty(ClientCaPath)))
        {
            yield return $"{Section}:InternalUrl must be an https URL, with {Section}:CertificatePath, KeyPath and ClientCaPath.";
        }

        if (RequireClientCertificate && string.IsNullOrEmpty(ClientCaPath))
        {
            yield return $"{Section}:ClientCaPath is required when client certificates are required.";
        }

        if (!string.IsNullOrEmpty(ClientCaPath) && string.IsNullOrEmpty(ClientRevocationListPath))
        {
            yield return $"{Section}:ClientRevocationListPath is required with {Section}:ClientCaPath: client certificates are checked against the CA's CRL.";
        }

        foreach (var (name, path) in new[] { ("CertificatePath", CertificatePath), ("KeyPath", KeyPath), ("ClientCaPath", ClientCaPath) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                yield return $"{Section}:{name} '{path}' does not exist.";
            }
        }
    }
}
