using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Local.Launcher;

/// <summary>
/// .exchange/local.json: what tools and tests need to talk to the running local exchange
/// (endpoints, the CA, each demo partner's identity and credential files).
/// </summary>
public sealed record LocalManifest(
    [property: JsonPropertyName("gateway")] string Gateway,
    [property: JsonPropertyName("ca_certificate")] string CaCertificate,
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

public sealed record PartnerManifest(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("certificate")] string Certificate,
    [property: JsonPropertyName("key")] string Key);
