using Exchange.Contracts.Node.V1;
using Exchange.Contracts.V1;
using Exchange.Node.HolderDecisions;
using Exchange.Node.Store;
using Exchange.Node.Tests.Support;
using Exchange.Storage.Migrations;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Node.Tests.Store;

/// <summary>
/// A domain service's store on real PostgreSQL (the one ./test.sh starts), as replicas share it: the schema comes from
/// the versioned migrations, applied once whoever starts first; signals, inboxes and requests left to the holder behave
/// as on SQLite; the Data Protection key ring in the store lets one replica read what another encrypted.
/// </summary>
public sealed class NodeStoreOnPostgresTests : IAsyncLifetime
{
    private TestPostgres _postgres = null!;

    public ValueTask InitializeAsync()
    {
        _postgres = TestPostgres.TryCreate("node_test")!;
        if (_postgres is null)
        {
            Assert.Skip(TestPostgres.SkipReason);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;

    [Fact]
    public async Task An_empty_database_gets_every_migration_once_and_a_second_start_applies_nothing_again()
    {
        using (var first = Open())
        {
            Assert.Equal(NodeDatabase.Migrations.Count, first.Store.SchemaVersion);
        }

        var appliedAt = await _postgres.ScalarAsync($"SELECT string_agg(version || ':' || applied_at, ',' ORDER BY version) FROM {SchemaMigrator.Table}");
        using (var again = Open())
        {
            Assert.Equal(NodeDatabase.Migrations.Count, again.Store.SchemaVersion);
        }

        Assert.Equal(appliedAt, await _postgres.ScalarAsync($"SELECT string_agg(version || ':' || applied_at, ',' ORDER BY version) FROM {SchemaMigrator.Table}"));
        Assert.Equal((long)NodeDatabase.Migrations.Count, await _postgres.ScalarAsync($"SELECT COUNT(*) FROM {SchemaMigrator.Table}"));
        Assert.Equal(1L, await _postgres.ScalarAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'holder_decisions'"));
    }

    [Fact]
    public async Task Replicas_starting_at_the_same_moment_take_turns_under_the_advisory_lock_and_each_step_runs_once()
    {
        var replicas = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Open, TestContext.Current.CancellationToken)));
        try
        {
            Assert.All(replicas, r => Assert.Equal(NodeDatabase.Migrations.Count, r.Store.SchemaVersion));
            Assert.Equal((long)NodeDatabase.Migrations.Count, await _postgres.ScalarAsync($"SELECT COUNT(*) FROM {SchemaMigrator.Table}"));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                replica.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_store_with_a_schema_from_a_newer_release_is_refused_at_start_naming_both_versions()
    {
        using (Open())
        {
        }

        await _postgres.ScalarAsync($"INSERT INTO {SchemaMigrator.Table} (version, description, applied_at) VALUES (99, 'from the future', 0)");

        var refused = Assert.Throws<SchemaTooNewException>(Open);
        Assert.Contains("schema version 99", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"({NodeDatabase.Migrations.Count})", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signals_are_stored_once_per_idempotency_key_and_found_by_subject()
    {
        using var node = new NodeFixture(Open(), "vt-mwb");
        var signal = TestSignals.Stored("vt-mwb", TestSignals.Incident("leo", "nora"), "leo", "nora");
        signal.IdempotencyKey = "report-1";
        var again = TestSignals.Stored("vt-mwb", TestSignals.Incident("leo", "nora"), "leo", "nora");
        again.IdempotencyKey = "report-1";

        var (stored, duplicate) = node.Store.Add(signal);
        var (second, secondDuplicate) = node.Store.Add(again);

        Assert.False(duplicate);
        Assert.True(secondDuplicate);
        Assert.Equal(stored.Id, second.Id);
        Assert.Equal([signal.Id], node.Store.FindBySubject("vt-mwb", "nora", [], latestOnly: false).Select(s => s.Id));
        Assert.Empty(node.Store.FindBySubject("politie-zwb", "nora", [], latestOnly: false));
    }

    [Fact]
    public void An_inbox_keeps_its_order_delivers_a_key_once_and_its_acknowledgement_only_moves_forward()
    {
        using var node = new NodeFixture(Open(), "vt-mwb");
        var cursors = Enumerable.Range(1, 4).Select(i => node.Inbox.Deliver("vt-mwb", $"k{i}", new Signal { Id = $"s{i}" }, new DisclosureReceipt()).Cursor).ToList();
        var duplicate = node.Inbox.Deliver("vt-mwb", "k2", new Signal { Id = "s2" }, new DisclosureReceipt());
        node.Inbox.Deliver("swt-tilburg", "other", new Signal { Id = "theirs" }, new DisclosureReceipt());

        Assert.Equal(cursors.Order(), cursors);
        Assert.True(duplicate.Duplicate);
        Assert.Equal(cursors[1], duplicate.Cursor);
        Assert.Equal(["s3", "s4"], node.Inbox.Read("vt-mwb", cursors[1], 10).Select(d => d.Signal.Id));
        Assert.Equal(cursors[^1], node.Inbox.LatestCursor("vt-mwb"));
        Assert.Equal(cursors[2], node.Inbox.Acknowledge("vt-mwb", cursors[2]));
        Assert.Equal(cursors[2], node.Inbox.Acknowledge("vt-mwb", cursors[0]));
    }

    [Fact]
    public void A_request_left_to_the_holder_is_claimed_by_one_decision_only_and_a_stopped_decision_is_reopened()
    {
        using var node = new NodeFixture(Open(), "swt-tilburg");
        var now = DateTimeOffset.UtcNow;
        node.HolderDecisions.Open(new PendingHolderRequest
        {
            HolderDecisionId = "hd-1",
            HolderOrganisationId = "swt-tilburg",
            RequestedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now.AddDays(5)),
            Explanation = "Is the father's drinking a risk to the children?",
        });

        Assert.Equal("hd-1", Assert.Single(node.HolderDecisions.Pending("swt-tilburg", now, 100)).HolderDecisionId);
        var (claimed, state) = node.HolderDecisions.Claim("hd-1", "swt-tilburg");
        var (_, second) = node.HolderDecisions.Claim("hd-1", "swt-tilburg");
        var (_, otherHolder) = node.HolderDecisions.Claim("hd-1", "vt-mwb");

        Assert.Equal(("Is the father's drinking a risk to the children?", HolderDecisionState.Deciding), (claimed!.Explanation, state));
        Assert.Equal(HolderDecisionState.Deciding, second);
        Assert.Equal(HolderDecisionState.Unknown, otherHolder);
        Assert.Equal(1, node.HolderDecisions.ReopenInterrupted());
        Assert.Equal(("hd-1", "swt-tilburg"), Assert.Single(node.HolderDecisions.Due(now.AddDays(6), 10)));
    }

    [Fact]
    public async Task A_replica_reads_what_another_replica_encrypted_through_the_key_ring_in_the_shared_store()
    {
        using var first = Open();
        using var second = Open();
        var signal = TestSignals.Stored("vt-mwb", TestSignals.Incident("leo", "nora"), "nora");

        new SignalStore(first, KeyRingIn(first)).Add(signal);
        var read = new SignalStore(second, KeyRingIn(second)).Get(signal.Id);

        Assert.Equal(signal, read!.Signal);
        Assert.Equal(1L, await _postgres.ScalarAsync("SELECT COUNT(*) FROM data_protection_keys"));
    }

    private NodeDatabase Open() => NodeDatabase.Open(_postgres.Storage, "unused.db", "node");

    /// <summary>Data Protection as a replica of the service sets it up: its key ring in the store it shares.</summary>
    private static IDataProtectionProvider KeyRingIn(NodeDatabase database)
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("exchange-node-veiligthuis");
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new DatabaseKeyRepository(database));
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }
}
