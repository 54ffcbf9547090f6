using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.Registry.Client.PartnerFiles;
using Exchange.ServiceDefaults.Security;

namespace Exchange.Local.Launcher;

/// <summary>
/// A demo partner as its partner file describes it (deploy/partners/*.yaml, the format of
/// docs/partner-file.schema.json, read by the same reader as <c>exchange partner register</c>).
/// </summary>
public sealed record PartnerFile(PartnerApplication Application)
{
    public string Id => Application.Id;

    public string Name => Application.Name;

    /// <summary>police, veilig-thuis, child-protection (the Raad), youth-protection (a GI) or social-team.</summary>
    public string Domain => DomainNames.ToName(Application.Domain);

    public string Region => Application.Region;

    public Domain ParsedDomain => Application.Domain;

    /// <summary>
    /// Every partner file of the directory, in name order. A file with problems stops the launcher with each
    /// problem at its file, line and column. The launcher issues the demo partners' development certificates
    /// itself, so the files need not name a certificate request.
    /// </summary>
    public static IReadOnlyList<PartnerFile> LoadDirectory(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal)
            .Select(path => PartnerFileReader.Read(path, requireCertificate: false))
            .ToList();
        var errors = files.SelectMany(f => f.Errors).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidDataException("The partner files have problems:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        var duplicate = files.GroupBy(f => f.Application.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"The partner id '{duplicate.Key}' appears in more than one file: {string.Join(", ", duplicate.Select(f => f.Path))}");
        }

        return [.. files.Select(f => new PartnerFile(f.Application))];
    }
}
