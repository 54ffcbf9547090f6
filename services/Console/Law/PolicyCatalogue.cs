using Exchange.Console.Hosting;
using Exchange.Policy.Engine.Bundle;
using Microsoft.Extensions.Options;

namespace Exchange.Console.Law;

/// <summary>
/// What the policy bundle says about the law: each legal basis with its law, article and summary, the
/// purposes, and the agreements with their end dates. Read once at start from the bundle the policy
/// service decides with; an entry records the bundle hash it was decided under.
/// </summary>
public sealed class PolicyCatalogue
{
    private readonly Dictionary<string, LegalBasisDefinition> _bases;

    public PolicyCatalogue(IOptions<ConsoleOptions> options)
    {
        var loaded = BundleLoader.Load(options.Value.PolicyBundleDirectory!);
        if (loaded.Bundle is null)
        {
            throw new InvalidOperationException($"The policy bundle does not load: {string.Join("; ", loaded.Errors.Take(3).Select(e => e.ToString()))}");
        }

        Bundle = loaded.Bundle.Definition;
        _bases = Bundle.LegalBases.ToDictionary(b => b.Id, StringComparer.Ordinal);
    }

    public PolicyBundle Bundle { get; }

    public string Hash => Bundle.Hash;

    public IReadOnlyList<LegalBasisDefinition> LegalBases => Bundle.LegalBases;

    public IReadOnlyList<AgreementDefinition> Agreements => Bundle.Agreements;

    public LegalBasisDefinition? Basis(string id) => _bases.GetValueOrDefault(id);
}
