namespace Exchange.Registry.Client.PartnerFiles;

/// <summary>The keys a partner file may use, per mapping; the JSON Schema in docs/ names exactly these.</summary>
public static class PartnerFileKeys
{
    public static readonly string[] File = ["id", "oin", "name", "domain", "region", "contacts", "certificate", "node", "agreements"];

    public static readonly string[] Contact = ["role", "team", "email", "telephone"];

    public static readonly string[] Certificate = ["request", "file"];

    public static readonly string[] Node = ["hosting", "endpoint", "server_certificate"];

    public static readonly string[] Agreement = ["covenant", "name", "parties", "valid_from", "valid_to"];

    /// <summary>Contact roles as a partner file writes them.</summary>
    public static readonly string[] ContactRoles = ["technical", "privacy-officer", "cases", "security"];

    /// <summary>Where the partner's domain service runs: the exchange's shared node, or the partner's own.</summary>
    public static readonly string[] Hostings = ["shared", "partner"];
}
