using System.Globalization;
using System.Text;

namespace Exchange.Registry.Client.PartnerFiles;

/// <summary>What <c>exchange partner init</c> knows when it writes a new partner file.</summary>
public sealed record PartnerFileTemplate(
    string Id,
    string Name,
    string Domain,
    string Region,
    string Oin,
    string CertificateRequestFile,
    string? Endpoint = null,
    string? ServerCertificateFile = null,
    string? TechnicalEmail = null,
    string? PrivacyOfficerEmail = null)
{
    /// <summary>
    /// The partner file, with a comment at every field the integrator still has to fill in or check. Values left
    /// empty are written as empty strings, so that the file does not pass until they are filled in.
    /// </summary>
    public string Render(string schemaPath)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line($"# yaml-language-server: $schema={schemaPath}");
        Line($"# Partner file for {Name}: `exchange partner register {Id}.yaml` applies for it at the registry.");
        Line("# Fields marked FILL IN still need the organisation's own values.");
        Line($"id: {Id}");
        Line($"oin: {Quote(Oin)}{(Oin.Length == 0 ? "  # FILL IN: the organisation's OIN (20 digits, Logius OIN register)" : string.Empty)}");
        Line($"name: {Quote(Name)}");
        Line($"domain: {Domain}");
        Line($"region: {Quote(Region)}");
        Line("contacts:");
        Line("  - role: technical  # told the outcome of the application");
        Line("    team: \"Functioneel beheer\"  # CHECK: the team that answers for the connection");
        Line($"    email: {Quote(TechnicalEmail ?? string.Empty)}{(TechnicalEmail is null ? "  # FILL IN" : string.Empty)}");
        Line("  - role: privacy-officer  # functionaris gegevensbescherming");
        Line("    team: \"Functionaris gegevensbescherming\"");
        Line($"    email: {Quote(PrivacyOfficerEmail ?? string.Empty)}{(PrivacyOfficerEmail is null ? "  # FILL IN" : string.Empty)}");
        Line("certificate:");
        Line($"  request: {Quote(CertificateRequestFile)}  # signed by the exchange CA at registration; keep the .key file private");
        Line("node:");
        if (Endpoint is null)
        {
            Line("  hosting: shared  # the exchange's own domain service holds the data");
        }
        else
        {
            Line("  hosting: partner  # the organisation runs its own domain service");
            Line($"  endpoint: {Quote(Endpoint)}");
            Line($"  server_certificate: {Quote(ServerCertificateFile ?? string.Empty)}{(ServerCertificateFile is null ? "  # FILL IN: the node's server certificate (exchange CA)" : string.Empty)}");
        }

        Line("agreements: []  # FILL IN: the covenants signed, e.g.");
        Line("#  - covenant: zvh-zeeland");
        Line("#    name: Convenant Zorg- en Veiligheidshuis Zeeland");
        Line($"#    parties: [{Id}, politie-zwb]");
        Line(string.Create(CultureInfo.InvariantCulture, $"#    valid_from: {new DateOnly(2025, 1, 1):yyyy-MM-dd}"));
        return text.ToString();
    }

    /// <summary>A YAML double-quoted scalar: whatever the value holds, it stays one string.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                _ when char.IsControl(c) => text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }
}
