using System.Globalization;
using Exchange.Contracts.Registry.V1;
using Exchange.Contracts.V1;
using Exchange.Registry.Client.Applications;
using Exchange.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Exchange.Registry.Client.PartnerFiles;

/// <summary>One problem in a partner file: where it is (1-based line and column), which field, and what is wrong.</summary>
public sealed record PartnerFileError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Field}: {Message}";
}

/// <summary>
/// Reads a partner file (YAML, see docs/partner-file.schema.json) into the application the registry receives,
/// and reports every problem at once with its file, line, column and field: unknown keys, wrong values,
/// missing referenced files, and whatever the application rules (<see cref="ApplicationRules"/>) refuse.
/// Problems the registry finds later (e.g. a CSR the CA will not sign) are placed in the file the same way,
/// through <see cref="PartnerFile.Locate"/>.
/// </summary>
public static class PartnerFileReader
{
    /// <summary>Reads the file at <paramref name="path"/>; referenced files (CSR, certificates) are read relative to it.</summary>
    public static PartnerFile Read(string path, bool requireCertificate = true)
    {
        var display = Path.GetRelativePath(Environment.CurrentDirectory, path);
        if (!File.Exists(path))
        {
            return PartnerFile.Failed(display, new PartnerFileError(display, 1, 1, "(file)", "the file does not exist"));
        }

        return Parse(File.ReadAllText(path), display, Path.GetDirectoryName(Path.GetFullPath(path))!, requireCertificate);
    }

    public static PartnerFile Parse(string text, string displayPath, string baseDirectory, bool requireCertificate = true)
    {
        var reading = new Reading(displayPath, baseDirectory);
        YamlMappingNode? root = null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode;
            if (root is null)
            {
                reading.Error(1, 1, "(file)", "a partner file is a YAML mapping (id: …, name: …)");
            }
        }
        catch (YamlException exception)
        {
            reading.Error((int)exception.Start.Line, (int)exception.Start.Column, "(yaml)", exception.Message);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet 18 throws these, without a place, for some malformed input (found by fuzzing: ": [\nt" and an ArgumentException "unsupported event").
            reading.Error(1, 1, "(yaml)", "the file is not valid YAML, and the parser could not say where");
        }

        var application = new PartnerApplication();
        if (root is not null)
        {
            reading.Root = root;
            ReadApplication(reading, root, application);
            foreach (var problem in ApplicationRules.Check(application, requireCertificate))
            {
                if (!reading.HasErrorAt(problem.Field))
                {
                    var (yamlPath, mark) = reading.Locate(problem.Field);
                    reading.Error(mark, yamlPath, problem.Description);
                }
            }
        }

        return new PartnerFile(displayPath, application, reading.Errors, reading.Places, root?.Start)
        {
            CertificateRequestPath = reading.Files.GetValueOrDefault("certificate_request_pem"),
        };
    }

    private static void ReadApplication(Reading reading, YamlMappingNode root, PartnerApplication application)
    {
        var file = new Mapping(reading, root, string.Empty, PartnerFileKeys.File);
        application.Id = file.String("id", "id");
        application.Oin = file.String("oin", "oin");
        application.Name = file.String("name", "name");
        application.Region = file.String("region", "region");
        if (file.Scalar("domain", "domain") is { } domain)
        {
            if (DomainNames.TryParse(domain.Value, out var parsed))
            {
                application.Domain = parsed;
            }
            else
            {
                reading.Error(domain, "domain", $"'{domain.Value}' is not a domain: {DomainNames.Listed}");
            }
        }

        var contacts = file.Sequence("contacts", "contacts");
        for (var i = 0; i < contacts.Count; i++)
        {
            if (file.Child(contacts[i], $"contacts[{i}]", $"contacts[{i}]", PartnerFileKeys.Contact) is { } entry)
            {
                application.Contacts.Add(ReadContact(reading, entry, i));
            }
        }

        if (file.Nested("certificate", "certificate", PartnerFileKeys.Certificate) is { } certificate)
        {
            application.CertificateRequestPem = certificate.Pem("request", "certificate_request_pem");
            application.CertificatePem = certificate.Pem("file", "certificate_pem");
        }

        if (file.Nested("node", "node", PartnerFileKeys.Node) is { } node)
        {
            if (node.Scalar("hosting", "hosting") is { } hosting)
            {
                application.Hosting = hosting.Value switch
                {
                    "shared" => NodeHosting.Shared,
                    "partner" => NodeHosting.Partner,
                    _ => reading.Invalid(hosting, "node.hosting", $"'{hosting.Value}' is not a hosting: shared or partner", NodeHosting.Unspecified),
                };
            }

            application.Endpoint = node.String("endpoint", "endpoint");
            application.ServerCertificatePem = node.Pem("server_certificate", "server_certificate_pem");
        }

        var agreements = file.Sequence("agreements", "agreements");
        for (var i = 0; i < agreements.Count; i++)
        {
            if (file.Child(agreements[i], $"agreements[{i}]", $"agreements[{i}]", PartnerFileKeys.Agreement) is { } entry)
            {
                application.Agreements.Add(ReadAgreement(entry, i));
            }
        }
    }

    private static Contact ReadContact(Reading reading, Mapping entry, int index)
    {
        var field = $"contacts[{index}]";
        var contact = new Contact { Point = new ContactPoint() };
        if (entry.Scalar("role", field + ".role") is { } role)
        {
            contact.Role = role.Value switch
            {
                "technical" => ContactRole.Technical,
                "privacy-officer" => ContactRole.PrivacyOfficer,
                "cases" => ContactRole.Cases,
                "security" => ContactRole.Security,
                _ => reading.Invalid(role, $"{field}.role", $"'{role.Value}' is not a role: {string.Join(", ", PartnerFileKeys.ContactRoles)}", ContactRole.Unspecified),
            };
        }

        contact.Point.Team = entry.String("team", field + ".point.team");
        contact.Point.Email = entry.String("email", field + ".point.email");
        contact.Point.Telephone = entry.String("telephone", field + ".point.telephone");
        return contact;
    }

    private static Agreement ReadAgreement(Mapping entry, int index)
    {
        var field = $"agreements[{index}]";
        var agreement = new Agreement
        {
            CovenantId = entry.String("covenant", field + ".covenant_id"),
            Name = entry.String("name", field + ".name"),
            ValidFrom = entry.Date("valid_from", field + ".valid_from"),
            ValidTo = entry.Date("valid_to", field + ".valid_to"),
        };
        var parties = entry.Sequence("parties", field + ".party_ids");
        for (var p = 0; p < parties.Count; p++)
        {
            if (entry.ScalarOf(parties[p], $"{field}.party_ids[{p}]") is { } party)
            {
                agreement.PartyIds.Add(party.Value ?? string.Empty);
            }
        }

        return agreement;
    }

    /// <summary>The state of one read: the errors so far and where each application field is written.</summary>
    private sealed class Reading(string file, string baseDirectory)
    {
        public List<PartnerFileError> Errors { get; } = [];

        /// <summary>Application field path → the YAML path and position it was read from.</summary>
        public Dictionary<string, (string YamlPath, Mark Mark)> Places { get; } = new(StringComparer.Ordinal);

        public YamlMappingNode? Root { get; set; }

        /// <summary>Application field → the full path of the file it was read from.</summary>
        public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

        public string File => file;

        public string BaseDirectory => baseDirectory;

        public void Error(int line, int column, string field, string message) => Errors.Add(new PartnerFileError(file, line, column, field, message));

        public void Error(Mark mark, string field, string message) => Error((int)mark.Line, (int)mark.Column, field, message);

        public void Error(YamlNode node, string field, string message) => Error(node.Start, field, message);

        public T Invalid<T>(YamlNode node, string field, string message, T value)
        {
            Error(node, field, message);
            return value;
        }

        public bool HasErrorAt(string applicationField) =>
            Places.TryGetValue(applicationField, out var place) && Errors.Any(e => e.Field == place.YamlPath);

        public (string YamlPath, Mark Mark) Locate(string applicationField) =>
            PartnerFile.Locate(Places, applicationField, Root?.Start ?? Mark.Empty);
    }

    /// <summary>One YAML mapping of the file, read key by key; unknown keys are errors.</summary>
    private sealed class Mapping
    {
        private readonly Reading _reading;
        private readonly YamlMappingNode _node;
        private readonly string _path;

        public Mapping(Reading reading, YamlMappingNode node, string path, IReadOnlyCollection<string> keys)
        {
            _reading = reading;
            _node = node;
            _path = path;
            foreach (var key in node.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (!keys.Contains(name))
                {
                    // An empty or non-scalar key still gets a field to name (found by fuzzing: "'': x" named none).
                    reading.Error(key, Yaml(name.Length == 0 ? "(key)" : name), $"unknown key '{name}'; expected one of: {string.Join(", ", keys)}");
                }
            }
        }

        public string Yaml(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

        public YamlNode? Node(string key) =>
            _node.Children.TryGetValue(new YamlScalarNode(key), out var value) && !(value is YamlScalarNode { Value: null or "" or "~" or "null" } scalar && scalar.Style == ScalarStyle.Plain)
                ? value
                : null;

        /// <summary>The scalar under <paramref name="key"/>, remembered as the place of <paramref name="field"/>.</summary>
        public YamlScalarNode? Scalar(string key, string field)
        {
            Remember(field, Yaml(key), Node(key) ?? _node);
            return Node(key) is { } node ? ScalarOf(node, field, Yaml(key)) : null;
        }

        public YamlScalarNode? ScalarOf(YamlNode node, string field, string? yamlPath = null)
        {
            yamlPath ??= YamlPathOf(field);
            Remember(field, yamlPath, node);
            if (node is YamlScalarNode scalar)
            {
                return scalar;
            }

            _reading.Error(node, yamlPath, "expected a single value");
            return null;
        }

        public string String(string key, string field) => Scalar(key, field)?.Value ?? string.Empty;

        /// <summary>A day (yyyy-MM-dd) as the start of that day, UTC.</summary>
        public Timestamp? Date(string key, string field)
        {
            if (Scalar(key, field) is not { } scalar)
            {
                return null;
            }

            if (DateOnly.TryParseExact(scalar.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return Timestamp.FromDateTime(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            }

            _reading.Error(scalar, Yaml(key), $"'{scalar.Value}' is not a day (yyyy-MM-dd)");
            return null;
        }

        /// <summary>The contents of the PEM file named under <paramref name="key"/>, relative to the partner file.</summary>
        public string Pem(string key, string field)
        {
            if (Scalar(key, field) is not { Value: { Length: > 0 } name } scalar)
            {
                return string.Empty;
            }

            var path = Path.GetFullPath(Path.Combine(_reading.BaseDirectory, name));
            if (!System.IO.File.Exists(path))
            {
                _reading.Error(scalar, Yaml(key), $"file '{name}' does not exist (paths are relative to the partner file)");
                return string.Empty;
            }

            if (new FileInfo(path).Length > ApplicationRules.MaxPemBytes)
            {
                _reading.Error(scalar, Yaml(key), $"file '{name}' is larger than {ApplicationRules.MaxPemBytes} bytes: not a PEM certificate or request");
                return string.Empty;
            }

            var text = System.IO.File.ReadAllText(path);
            if (!text.Contains("-----BEGIN ", StringComparison.Ordinal))
            {
                _reading.Error(scalar, Yaml(key), $"file '{name}' holds no PEM block");
                return string.Empty;
            }

            _reading.Files[field] = path;
            return text;
        }

        /// <summary>Where a key is written: lists and mappings are placed at their key, not at their first entry.</summary>
        public YamlNode KeyNode(string key) => _node.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: var name } && name == key) ?? _node;

        public IReadOnlyList<YamlNode> Sequence(string key, string field)
        {
            Remember(field, Yaml(key), KeyNode(key));
            switch (Node(key))
            {
                case null:
                    return [];
                case YamlSequenceNode sequence:
                    return [.. sequence.Children];
                case var other:
                    _reading.Error(other, Yaml(key), "expected a list");
                    return [];
            }
        }

        public Mapping? Nested(string key, string field, IReadOnlyCollection<string> keys)
        {
            Remember(field, Yaml(key), KeyNode(key));
            return Node(key) is { } node ? Child(node, field, Yaml(key), keys) : null;
        }

        public Mapping? Child(YamlNode node, string field, string yamlPath, IReadOnlyCollection<string> keys)
        {
            Remember(field, yamlPath, node);
            if (node is YamlMappingNode mapping)
            {
                return new Mapping(_reading, mapping, yamlPath, keys);
            }

            _reading.Error(node, yamlPath, "expected a mapping (key: value)");
            return null;
        }

        private void Remember(string field, string yamlPath, YamlNode node) => _reading.Places.TryAdd(field, (yamlPath, node.Start));

        /// <summary>party_ids[2] is written as parties[2] under the agreement this mapping reads.</summary>
        private string YamlPathOf(string field)
        {
            var last = field[(field.LastIndexOf('.') + 1)..];
            var index = last.IndexOf('[', StringComparison.Ordinal);
            return index < 0 ? Yaml(last) : Yaml(last[..index] == "party_ids" ? "parties" + last[index..] : last);
        }
    }
}
