using Exchange.Disclosure.Pseudonyms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Ledger.Officers;

/// <summary>
/// The ledger stores the exchange's pseudonym of each subject; an officer knows only their own
/// organisation's pseudonyms. Officers search with theirs and see theirs, so that no officer sees the
/// exchange pseudonym, which would let two organisations join their records outside the exchange.
/// </summary>
public sealed class OfficerPseudonyms(IServiceProvider services)
{
    private readonly Lazy<PseudonymCodec?> _codec = new(() =>
    {
        var options = services.GetService<IOptions<PseudonymOptions>>()?.Value;
        return options is null || (string.IsNullOrWhiteSpace(options.Key) && string.IsNullOrWhiteSpace(options.KeyFile))
            ? null
            : new PseudonymCodec(options.ResolveKey());
    });

    public bool IsAvailable => _codec.Value is not null;

    /// <summary>The exchange pseudonym of an organisation's pseudonym; false when it is not one issued to that organisation.</summary>
    public bool TryToExchange(string organisationPseudonym, string organisationId, out string exchangePseudonym)
    {
        exchangePseudonym = string.Empty;
        return _codec.Value is { } codec && codec.TryFromOrganisation(organisationPseudonym, organisationId, out exchangePseudonym);
    }

    /// <summary>The organisation's own pseudonym of a subject the ledger names; empty when it names none.</summary>
    public string ToOrganisation(string exchangePseudonym, string organisationId) =>
        _codec.Value is { } codec && exchangePseudonym.Length > 0 && codec.IsExchangePseudonym(exchangePseudonym)
            ? codec.ToOrganisation(exchangePseudonym, organisationId)
            : string.Empty;
}
