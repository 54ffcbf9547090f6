using Exchange.Console.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Console.Organisations;

/// <summary>
/// Organisation names for the pages: an officer reads names, never bare ids. One small interface, so
/// that the registry can become the one source of partner names without touching the pages.
/// </summary>
public interface IOrganisationNames
{
    /// <summary>The organisation's name; an id the console does not know is shown as such, marked unknown.</summary>
    string NameOf(string organisationId);

    /// <summary>Every known organisation, by name.</summary>
    IReadOnlyList<(string Id, string Name)> All { get; }
}

/// <summary>Names from the partner configuration the launcher gives every service (<c>Console:Organisations</c>).</summary>
public sealed class ConfiguredOrganisationNames(IOptions<ConsoleOptions> options) : IOrganisationNames
{
    private readonly Dictionary<string, string> _names = options.Value.Organisations
        .Where(o => o.Id.Length > 0)
        .ToDictionary(o => o.Id, o => o.Name.Length > 0 ? o.Name : o.Id, StringComparer.Ordinal);

    public IReadOnlyList<(string Id, string Name)> All => [.. _names.OrderBy(n => n.Value, StringComparer.CurrentCulture).Select(n => (n.Key, n.Value))];

    public string NameOf(string organisationId) =>
        _names.TryGetValue(organisationId, out var name) ? name : string.IsNullOrEmpty(organisationId) ? "—" : $"? {organisationId}";
}
