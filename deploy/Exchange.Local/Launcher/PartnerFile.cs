using Exchange.Contracts.V1;
using Exchange.ServiceDefaults.Security;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Exchange.Local.Launcher;

/// <summary>A partner as an integrator describes it in a partner file (deploy/partners/*.yaml).</summary>
public sealed record PartnerFile
{
    public string Id { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>police, veilig-thuis, child-protection (the Raad), youth-protection (a GI) or social-team.</summary>
    public string Domain { get; init; } = string.Empty;

    public string Region { get; init; } = string.Empty;

    public ContactFile Contact { get; init; } = new();

    public Domain ParsedDomain => DomainNames.TryParse(Domain, out var domain)
        ? domain
        : throw new InvalidDataException($"partner '{Id}': unknown domain '{Domain}' (police, veilig-thuis, child-protection, youth-protection, social-team)");

    public static IReadOnlyList<PartnerFile> LoadDirectory(string directory)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        return [.. Directory.EnumerateFiles(directory, "*.yaml")
            .Order(StringComparer.Ordinal)
            .Select(path => deserializer.Deserialize<PartnerFile>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty"))];
    }
}

public sealed record ContactFile
{
    public string Team { get; init; } = string.Empty;

    public string Telephone { get; init; } = string.Empty;

    public string Email { get; init; } = string.Empty;
}
