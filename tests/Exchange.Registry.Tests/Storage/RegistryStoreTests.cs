using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Storage;
using Exchange.Registry.Tests.Support;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Registry.Tests.Storage;

/// <summary>The registry stores behave the same on SQLite and PostgreSQL.</summary>
public sealed class RegistryStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [BothStores]
    public async Task Concurrent_changes_are_serialised_each_decided_on_the_latest_record_with_its_own_revision(StoreKind kind)
    {
        await using var test = await TestStore.CreateAsync(kind);
        var store = test.Store;

        // Ten writers each count once on the same record: a lost update would leave the count short.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Change(store, "vt-zeeland", p => p.Region = ((p.Region.Length > 0 ? int.Parse(p.Region, System.Globalization.CultureInfo.InvariantCulture) : 0) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"admin-{i}")));

        var partner = await store.GetAsync("vt-zeeland", Ct);
        var history = await store.ChangesAsync("vt-zeeland", 0, 100, Ct);
        Assert.Equal("10", partner!.Region);
        Assert.Equal(10UL, partner.Revision);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (ulong)i), history.Select(c => c.Revision));
        Assert.Equal(10UL, await store.RevisionAsync(Ct));
    }

    [Theory]
    [BothStores]
    public async Task A_refused_or_failed_change_stores_nothing(StoreKind kind)
    {
        await using var test = await TestStore.CreateAsync(kind);
        var store = test.Store;
        await Change(store, "vt-zeeland", p => p.State = RegistrationState.Pending, "admin-1");

        var refused = await store.ChangeAsync("vt-zeeland", (_, _, _) => Task.FromResult<(StoredChange?, bool)>((null, false)), Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ChangeAsync<bool>("vt-zeeland", async (partner, revision, _) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("the ledger is down");
        }, Ct));

        Assert.False(refused);
        Assert.Equal(1UL, await store.RevisionAsync(Ct));
        Assert.Single(await store.ChangesAsync("vt-zeeland", 0, 100, Ct));
    }

    [Theory]
    [BothStores]
    public async Task Partners_list_by_id_in_pages_and_by_state_and_the_snapshot_holds_all_at_the_latest_revision(StoreKind kind)
    {
        await using var test = await TestStore.CreateAsync(kind);
        var store = test.Store;
        foreach (var (id, state) in new[] { ("c", RegistrationState.Approved), ("a", RegistrationState.Pending), ("b", RegistrationState.Rejected), ("d", RegistrationState.Approved) })
        {
            await Change(store, id, p => p.State = state, "admin-1");
        }

        var firstPage = await store.ListAsync(string.Empty, 2, [], Ct);
        var secondPage = await store.ListAsync(firstPage[^1].Id, 2, [], Ct);
        var approved = await store.ListAsync(string.Empty, 10, [RegistrationState.Approved], Ct);
        var snapshot = await store.SnapshotAsync(Ct);

        Assert.Equal(["a", "b"], firstPage.Select(p => p.Id));
        Assert.Equal(["c", "d"], secondPage.Select(p => p.Id));
        Assert.Equal(["c", "d"], approved.Select(p => p.Id));
        Assert.Equal((4UL, 4), (snapshot.Revision, snapshot.Partners.Count));
    }

    [Theory]
    [BothStores]
    public async Task A_change_is_kept_with_who_what_when_and_its_ledger_entry(StoreKind kind)
    {
        await using var test = await TestStore.CreateAsync(kind);
        await Change(test.Store, "vt-zeeland", p => p.Name = "Veilig Thuis Zeeland", "admin-1");

        var change = Assert.Single(await test.Store.ChangesAsync("vt-zeeland", 0, 10, Ct));

        Assert.Equal(("admin-1", PartnerAction.Registered, 42UL), (change.Actor, change.Action, change.LedgerSequence));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 30, 0, 123, TimeSpan.Zero), change.ChangedAt.ToDateTimeOffset());
        Assert.Equal("Veilig Thuis Zeeland", (await test.Store.GetAsync("vt-zeeland", Ct))!.Name);
    }

    private static Task Change(IRegistryStore store, string id, Action<Partner> edit, string actor) =>
        store.ChangeAsync(id, async (current, revision, _) =>
        {
            await Task.Yield();
            var next = current?.Clone() ?? new Partner { Id = id };
            edit(next);
            next.Revision = revision;
            var change = new PartnerChange
            {
                Revision = revision, PartnerId = id, Action = PartnerAction.Registered, Actor = actor, LedgerSequence = 42,
                ChangedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 1, 9, 30, 0, 123, TimeSpan.Zero)),
            };
            return ((StoredChange?)new StoredChange(next, change), true);
        }, Ct);
}
