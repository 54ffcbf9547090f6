using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Exchange.Registry.Client.Applications;
using Exchange.Registry.Client.PartnerFiles;

namespace Exchange.Cli.Partner;

/// <summary>
/// <c>exchange partner init</c>: the applicant's private key (it never leaves the applicant's machine), a certificate
/// request for it (CN = the partner's id), and a partner file that names the request, with FILL IN marks where the
/// organisation's own values are still needed. Existing files are never overwritten.
/// </summary>
public static class PartnerInit
{
    /// <summary>Where editors find the schema when the directory is outside the repository.</summary>
    public const string SchemaUrl = "https://exchange.example/schemas/partner-file.schema.json";

    public static int Write(PartnerFileTemplate template, string directory, PartnerOutput printer)
    {
        if (!ApplicationRules.IsId(template.Id))
        {
            return printer.Problem($"'{template.Id}' is not a partner id: lower-case letters, digits and '-', e.g. vt-zeeland.", PartnerCommand.Refused);
        }

        if (template.Oin.Length > 0 && !ApplicationRules.IsOin(template.Oin))
        {
            return printer.Problem($"'{template.Oin}' is not an OIN: 20 digits.", PartnerCommand.Refused);
        }

        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, template.Id + ".yaml");
        var key = Path.Combine(directory, template.Id + ".key");
        var request = Path.Combine(directory, template.CertificateRequestFile);
        var existing = new[] { file, key, request }.Where(File.Exists).ToList();
        if (existing.Count > 0)
        {
            return printer.Problem($"not overwriting {string.Join(", ", existing)}; choose another --dir or remove them.", PartnerCommand.Refused);
        }

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(template.Name);
        subject.AddCommonName(template.Id);
        File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(request, new CertificateRequest(subject.Build(), ecdsa, HashAlgorithmName.SHA256).CreateSigningRequestPem());
        File.WriteAllText(file, template.Render(SchemaReference(directory)));
        var todo = PartnerFileReader.Read(file).Errors;
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["partner_file"] = file,
                ["key"] = key,
                ["certificate_request"] = request,
                ["to_fill_in"] = new JsonArray([.. todo.Select(e => (JsonNode)e.ToString())]),
            });
        }
        else
        {
            printer.Table(["wrote", ""], [[file, "the partner file"], [key, "the private key (owner-only; keep it on the partner's systems)"], [request, "the certificate request for the exchange CA"]]);
            foreach (var error in todo)
            {
                printer.Line("to fill in: " + error);
            }

            printer.Line($"then: exchange partner register {file}");
        }

        return PartnerCommand.Done;
    }

    /// <summary>The schema in the repository, relative to the new file, when the directory is inside a checkout; the published URL otherwise.</summary>
    private static string SchemaReference(string directory)
    {
        for (var folder = new DirectoryInfo(directory); folder is not null; folder = folder.Parent)
        {
            var schema = Path.Combine(folder.FullName, "docs", "partner-file.schema.json");
            if (File.Exists(Path.Combine(folder.FullName, "Exchange.sln")) && File.Exists(schema))
            {
                return Path.GetRelativePath(directory, schema).Replace('\\', '/');
            }
        }

        return SchemaUrl;
    }
}
