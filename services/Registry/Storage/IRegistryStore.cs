using Exchange.Contracts.Registry.V1;

namespace Exchange.Registry.Storage;

/// <summary>A change to store: the partner as it now is (its revision set) and the row that says what changed.</summary>
public sealed record StoredChange(Partner Partner, PartnerChange Change);

/// <summary>
/// Where the registry keeps its partners and their history: SQLite by default, PostgreSQL in production, the
/// same behaviour on both. Changes are serialised (one writer at a time, also across registry instances), so
/// that revisions strictly increase and a decision is always taken on the latest record.
/// </summary>
public interface IRegistryStore : IAsyncDisposable
{
    /// <summary>Where the store is, without credentials, for logs and errors.</summary>
    string Description { get; }

    Task InitializeAsync(CancellationToken cancellationToken);

    Task<Partner?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Partners by id after <paramref name="afterId"/>, at most <paramref name="limit"/>, in any of <paramref name="states"/> (all when empty).</summary>
    Task<IReadOnlyList<Partner>> ListAsync(string afterId, int limit, IReadOnlyCollection<RegistrationState> states, CancellationToken cancellationToken);

    /// <summary>Every partner and the registry revision they make up, read together.</summary>
    Task<RegistrySnapshot> SnapshotAsync(CancellationToken cancellationToken);

    Task<ulong> RevisionAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<PartnerChange>> ChangesAsync(string id, ulong afterRevision, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// One change, serialised with every other: reads the partner, asks <paramref name="decide"/> (given the
    /// partner or null, and the revision the change will get) what to store, and stores it in the same
    /// transaction. When <paramref name="decide"/> returns no change or throws, nothing is stored.
    /// </summary>
    Task<TResult> ChangeAsync<TResult>(
        string partnerId, Func<Partner?, ulong, CancellationToken, Task<(StoredChange? Change, TResult Result)>> decide, CancellationToken cancellationToken);
}
