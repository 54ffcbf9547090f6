using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.Policy.V1;

namespace Exchange.Disclosure.Flow;

/// <summary>
/// The policy service as a node sees it: it decides (and logs the decision) and takes the receipt
/// of what was released. Any failure here must stop the disclosure.
/// </summary>
public interface IDisclosureAuthority
{
    Task<DecideResponse> DecideAsync(DecideRequest request, CancellationToken cancellationToken);

    /// <summary>Records the release entries; the answer has their sequences and the signed checkpoint that includes them.</summary>
    Task<AppendResponse> RecordReleaseAsync(IReadOnlyList<LedgerEntry> receipts, CancellationToken cancellationToken);
}
