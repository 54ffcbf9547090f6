using Exchange.Contracts.Registry.V1;
using YamlDotNet.Core;

namespace Exchange.Registry.Client.PartnerFiles;

/// <summary>
/// A partner file as read: the application it describes, every problem found in it, and where each field is
/// written, so that a problem the registry reports later (by field) can be shown at its place in the file.
/// </summary>
public sealed class PartnerFile
{
    private readonly IReadOnlyDictionary<string, (string YamlPath, Mark Mark)> _places;
    private readonly Mark _root;

    internal PartnerFile(string path, PartnerApplication application, IReadOnlyList<PartnerFileError> errors, IReadOnlyDictionary<string, (string, Mark)> places, Mark? root)
    {
        Path = path;
        Application = application;
        Errors = errors;
        _places = places;
        _root = root ?? Mark.Empty;
    }

    /// <summary>The file as the user named it.</summary>
    public string Path { get; }

    public PartnerApplication Application { get; }

    public IReadOnlyList<PartnerFileError> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>The certificate request's file, when the partner file names one: the issued certificate is written beside it.</summary>
    public string? CertificateRequestPath { get; init; }

    internal static PartnerFile Failed(string path, PartnerFileError error) =>
        new(path, new PartnerApplication(), [error], new Dictionary<string, (string, Mark)>(), null);

    /// <summary>
    /// Places a problem the registry reported, by application field (<c>application.contacts[0].point.email</c>
    /// or <c>contacts[0].point.email</c>), at the line and column where that field is written, or where the
    /// nearest enclosing one is.
    /// </summary>
    public PartnerFileError Locate(string field, string message)
    {
        const string Prefix = "application.";
        var relative = field == "application" ? string.Empty : field.StartsWith(Prefix, StringComparison.Ordinal) ? field[Prefix.Length..] : field;
        var (yamlPath, mark) = Locate(_places, relative, _root);
        return new PartnerFileError(Path, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column), yamlPath, message);
    }

    internal static (string YamlPath, Mark Mark) Locate(IReadOnlyDictionary<string, (string YamlPath, Mark Mark)> places, string field, Mark root)
    {
        if (places.TryGetValue(field, out var exact))
        {
            return exact;
        }

        // Not written in the file (e.g. a missing section): name it as it would be written, at the nearest enclosing place.
        var mark = root;
        for (var candidate = Parent(field); candidate.Length > 0; candidate = Parent(candidate))
        {
            if (places.TryGetValue(candidate, out var place))
            {
                mark = place.Mark;
                break;
            }
        }

        return (field.Length == 0 ? "(file)" : ToYamlPath(field), mark);
    }

    /// <summary>The key path a partner file writes an application field under, e.g. contacts[0].point.email → contacts[0].email.</summary>
    public static string ToYamlPath(string field)
    {
        var parts = field.Split('.');
        var yaml = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var (name, index) = bracket < 0 ? (part, string.Empty) : (part[..bracket], part[bracket..]);
            switch (name)
            {
                case "point":
                    continue;
                case "certificate_request_pem":
                    yaml.Add("certificate.request");
                    break;
                case "certificate_pem":
                    yaml.Add("certificate.file");
                    break;
                case "hosting" or "endpoint":
                    yaml.Add("node." + name);
                    break;
                case "server_certificate_pem":
                    yaml.Add("node.server_certificate");
                    break;
                case "covenant_id":
                    yaml.Add("covenant");
                    break;
                case "party_ids":
                    yaml.Add("parties" + index);
                    break;
                default:
                    yaml.Add(name + index);
                    break;
            }
        }

        return string.Join('.', yaml);
    }

    /// <summary>contacts[1].point.email → contacts[1].point → contacts[1] → contacts → "".</summary>
    private static string Parent(string field)
    {
        if (field.EndsWith(']'))
        {
            return field[..field.LastIndexOf('[')];
        }

        var dot = field.LastIndexOf('.');
        return dot < 0 ? string.Empty : field[..dot];
    }
}
