using System.Text.Json;
using Exchange.Policy.Engine.Bundle;
using Exchange.Policy.Hosting;
using Exchange.Registry.Client.Following;
using Exchange.Registry.Client.Snapshots;
using Microsoft.Extensions.Options;

namespace Exchange.Policy.Registry;

/// <summary>
/// The bundle the policy service decides on: the reviewed files of the bundle directory, and, when the service
/// follows the partner registry, one more file it writes from the registry: each approved (or tested) partner's signatures
/// under the agreements it signed. A partner onboarded later thereby signs without anyone editing the bundle, a
/// suspended or revoked one stops being a signatory at once, and the bundle hash every decision carries covers
/// both the reviewed rules and the signatures they were applied with.
/// </summary>
public sealed class RegistryBundle(IOptions<PolicyOptions> options, TimeProvider time, IPartnerSnapshots? snapshots = null)
{
    /// <summary>Where the registry's signatures appear in the bundle (no file on disk has this path).</summary>
    public const string SignaturesPath = "registry/signatures.yaml";

    public string Directory => options.Value.BundleDirectory;

    public BundleSource Compose()
    {
        var source = BundleSource.FromDirectory(Directory);
        return snapshots?.Current is { } snapshot && !ReferenceEquals(snapshot, PartnerSnapshot.Empty)
            ? source.With(Signatures(snapshot, time.GetUtcNow()))
            : source;
    }

    /// <summary>
    /// The registry's signatures as a bundle file. It is JSON, which every YAML parser reads, so that names with
    /// any characters need no quoting rules. An agreement whose registered validity has ended is left out.
    /// </summary>
    public static BundleFile Signatures(PartnerSnapshot snapshot, DateTimeOffset now)
    {
        var signatures = snapshot.Partners.Values.Where(p => p.MayBeTested)
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .SelectMany(partner => partner.Agreements
                .Where(a => a.ValidTo is null || now < a.ValidTo)
                .Select(a => a.CovenantId)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .Select(covenant => new Dictionary<string, string>
                {
                    ["agreement"] = covenant,
                    ["partner"] = partner.Id,
                    ["name"] = partner.Name,
                    ["domain"] = Vocabularies.Domains.NameOf(partner.Domain),
                }))
            .ToList();
        return BundleFile.FromText(SignaturesPath, JsonSerializer.Serialize(new Dictionary<string, object> { ["signatures"] = signatures }));
    }
}
