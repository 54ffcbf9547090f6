using Exchange.Contracts.Ledger.V1;
using Exchange.Testing;

namespace Exchange.System.Tests.Support;

/// <summary>
/// Reads the whole ledger as an operator of the exchange can: from the store, as `exchange ledger export`
/// does. A privacy officers' system reads through the gateway only what its organisation is party to
/// (and each of its reads is recorded), so it cannot serve as the tests' view of every decision.
/// </summary>
public static class LedgerReader
{
    public static Task<IReadOnlyList<LedgerEntry>> AllAsync(ExchangeCluster cluster) => FromStoreAsync(cluster.LedgerPath);

    public static Task<IReadOnlyList<LedgerEntry>> AllAsync(LocalLauncher exchange) => FromStoreAsync(exchange.Manifest.Ledger.Sqlite);

    /// <summary>Verifies the cluster's ledger as `exchange ledger verify` does: every entry against its leaf and the signed checkpoints.</summary>
    public static Task<Exchange.Ledger.Verification.VerificationReport> VerifyAsync(ExchangeCluster cluster) =>
        VerifyAsync(cluster, Exchange.Ledger.Verification.VerificationOptions.Default);

    /// <summary>As <see cref="VerifyAsync(ExchangeCluster)"/>, also against checkpoints held elsewhere (<c>--trusted-checkpoint</c>).</summary>
    public static async Task<Exchange.Ledger.Verification.VerificationReport> VerifyAsync(ExchangeCluster cluster, Exchange.Ledger.Verification.VerificationOptions options)
    {
        await using var store = Exchange.Ledger.DisclosureLedger.CreateStore(new Exchange.Ledger.Hosting.LedgerOptions { SqlitePath = cluster.LedgerPath });
        await store.InitializeAsync(CancellationToken.None);
        return await Exchange.Ledger.Verification.LedgerVerifier.VerifyStoreAsync(store, null, options, CancellationToken.None);
    }

    /// <summary>Every entry of the SQLite ledger at <paramref name="path"/>, read without the writer's lock.</summary>
    public static Task<IReadOnlyList<LedgerEntry>> FromStoreAsync(string path) => Exchange.Scenario.Story.StoryLedger.ReadAsync(path);
}
