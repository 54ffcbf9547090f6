using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Net.Client;
using System.Text.Json.Serialization;

namespace Exchange.Client.Local;

/// <summary>
/// .exchange/local.json: what tools and tests need to talk to the running local exchange
/// (endpoints, the CA, the identity service, each demo partner's clients and credential files).
/// </summary>
public sealed record LocalManifest(
    [property: JsonPropertyName("gateway")] string Gateway,
    [property: JsonPropertyName("ca_certificate")] string CaCertificate,
    [property: JsonPropertyName("identity")] IdentityManifest Identity,
    [property: JsonPropertyName("services")] IReadOnlyDictionary<string, string> Services,
    [property: JsonPropertyName("ledger")] LedgerManifest Ledger,
    [property: JsonPropertyName("partners")] IReadOnlyList<PartnerManifest> Partners,
    [property: JsonPropertyName("logs")] string Logs,
    [property: JsonPropertyName("processes")] IReadOnlyDictionary<string, int> Processes)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The registry and the local registry administrators' clients (exchange partner …).</summary>
    [JsonPropertyName("registry")]
    public RegistryManifest? Registry { get; init; }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Options));

    /// <summary>Reads the manifest a running local exchange wrote (default: .exchange/local.json).</summary>
    public static LocalManifest Read(string path) =>
        JsonSerializer.Deserialize<LocalManifest>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"{path} holds no local exchange manifest.");

    public PartnerManifest Partner(string id) =>
        Partners.FirstOrDefault(p => p.Id == id) ?? throw new ArgumentException($"The local exchange has no partner '{id}'.", nameof(id));

    /// <summary>
    /// A partner's case system connected to the gateway: its certificate, a token client bound to it, and the
    /// channel carrying both. Dispose it when done.
    /// </summary>
    public PartnerConnection Connect(string partnerId, bool asReviewer = false)
    {
        var partner = Partner(partnerId);
        var (clientId, certificatePath, keyPath) = asReviewer
            ? (partner.Reviewer.ClientId, partner.Reviewer.Certificate, partner.Reviewer.Key)
            : (partner.ClientId, partner.Certificate, partner.Key);
        return PartnerConnection.Open(
            partnerId, new Uri(Gateway), new Uri(Identity.Issuer), X509CertificateLoader.LoadCertificateFromFile(CaCertificate),
            X509Certificate2.CreateFromPemFile(certificatePath, keyPath), clientId);
    }
}

/// <summary>One partner system's connection to the exchange.</summary>
public sealed class PartnerConnection(string organisationId, PartnerTokenClient tokens, GrpcChannel channel) : IDisposable
{
    /// <summary>
    /// A system's authenticated channel to an exchange endpoint (the gateway, or the registry for an administrator):
    /// mutual TLS with <paramref name="certificate"/>, and on every call an access token from <paramref name="issuer"/>
    /// bound to that certificate.
    /// </summary>
    public static PartnerConnection Open(string organisationId, Uri endpoint, Uri issuer, X509Certificate2 ca, X509Certificate2 certificate, string clientId)
    {
        var tokens = new PartnerTokenClient(issuer, ca, certificate, clientId);
        return new PartnerConnection(organisationId, tokens, PartnerChannel.Create(endpoint, ca, certificate, tokens));
    }

    public string OrganisationId { get; } = organisationId;

    public GrpcChannel Channel { get; } = channel;

    public void Dispose()
    {
        Channel.Dispose();
        tokens.Dispose();
    }
}

public sealed record LedgerManifest(
    [property: JsonPropertyName("sqlite")] string Sqlite,
    [property: JsonPropertyName("signing_key")] string SigningKey)
{
    /// <summary>The witness that cosigns the ledger's checkpoints, when the exchange runs one.</summary>
    [JsonPropertyName("witness")]
    public WitnessManifest? Witness { get; init; }
}

/// <summary>A witness (C2SP tlog-witness): where it listens and the verifier key of its cosignatures (for <c>ledger verify --witness-key</c>).</summary>
public sealed record WitnessManifest(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("verifier_key")] string VerifierKey);

/// <summary>
/// Where partners get access tokens: POST token_endpoint (grant_type=client_credentials, client_id) over TLS
/// with the client certificate (tls_client_auth); the token is bound to that certificate.
/// </summary>
public sealed record IdentityManifest(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("audience")] string Audience);

/// <summary>A demo partner: its case system's client (id, certificate, key, scopes), its privacy officers' system and console user.</summary>
public sealed record PartnerManifest(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("certificate")] string Certificate,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("reviewer")] ClientManifest Reviewer,
    [property: JsonPropertyName("privacy_officer")] ConsoleUserManifest PrivacyOfficer);

/// <summary>Another registered system of a partner, with its own certificate.</summary>
public sealed record ClientManifest(
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("certificate")] string Certificate,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes);

/// <summary>A console user (development): the initial password is in the named file.</summary>
public sealed record ConsoleUserManifest(
    [property: JsonPropertyName("user_name")] string UserName,
    [property: JsonPropertyName("password_file")] string PasswordFile);

/// <summary>Where the registry listens (mutual TLS) and the clients of the registry administrators.</summary>
public sealed record RegistryManifest(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("administrators")] IReadOnlyList<ClientManifest> Administrators);
