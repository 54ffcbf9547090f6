using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Local.Launcher;

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

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Options));
}

public sealed record LedgerManifest(
    [property: JsonPropertyName("sqlite")] string Sqlite,
    [property: JsonPropertyName("signing_key")] string SigningKey);

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
