using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;

namespace Exchange.Disclosure.Flow;

/// <summary>
/// The policy service as a node sees it: it decides (and logs the decision) and records what the holder did: the
/// receipt of what was released, a professional's decision on a request. Any failure here must stop the disclosure.
/// </summary>
public interface IDisclosureAuthority
{
    Task<DecideResponse> DecideAsync(DecideRequest request, CancellationToken cancellationToken);

    /// <summary>Records ledger entries (releases, a holder's decisions); the answer has their sequences and the signed checkpoint that includes them.</summary>
    Task<AppendResponse> RecordAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken);
}
