using Exchange.Contracts.Index.V1;
using Exchange.Contracts.V1;
using Exchange.Index.Involvements;
using Exchange.Index.Storage;
using Exchange.Index.Tests.Support;
using Exchange.Storage.Migrations;
using Exchange.Testing;

namespace Exchange.Index.Tests.Storage;

/// <summary>
/// The index's store on real PostgreSQL (the one ./test.sh starts), as replicas of the index share it: versioned
/// migrations from an empty schema, applied once; involvements and families as on SQLite, also when two replicas
/// record overlapping families at the same moment.
/// </summary>
public sealed class IndexStoreOnPostgresTests : IAsyncLifetime
{
    private TestPostgres _postgres = null!;

    public ValueTask InitializeAsync()
    {
        _postgres = TestPostgres.TryCreate("index_test")!;
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
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(Open, TestContext.Current.CancellationToken)));
        foreach (var replica in replicas)
        {
            replica.Dispose();
        }

        using (var again = Open())
        {
            Assert.Equal(IndexDatabase.Migrations.Count, again.Store.SchemaVersion);
        }

        Assert.Equal((long)IndexDatabase.Migrations.Count, await _postgres.ScalarAsync($"SELECT COUNT(*) FROM {SchemaMigrator.Table}"));
        Assert.Equal(1L, await _postgres.ScalarAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'family_members'"));
    }

    [Fact]
    public void An_involvement_is_found_by_any_of_its_subjects_until_it_ends()
    {
        using var index = new IndexFixture(Open());
        var now = index.Time.GetUtcNow();
        var added = index.Involvements.Add(new InvolvementRecord("inv-1", "swt-tilburg", Purpose.RecoveryPlanning, new ContactPoint { Team = "Wijkteam Noord" },
            now.AddMinutes(-1), null, null, ["nora", "kid"]));

        var found = Assert.Single(index.Involvements.ActiveWith(["kid"], now));
        Assert.Equal(("inv-1", "Wijkteam Noord"), (found.Id, found.ContactPoint.Team));
        Assert.Equal(["kid", "nora"], found.Subjects.Order(StringComparer.Ordinal));
        index.Involvements.End(added.Id, now);
        Assert.Empty(index.Involvements.ActiveWith(["nora"], now.AddSeconds(1)));
    }

    [Fact]
    public async Task Two_replicas_recording_overlapping_families_at_once_end_with_one_family()
    {
        using var first = new IndexFixture(Open());
        using var second = new IndexFixture(Open());

        // Chains that meet in the middle: without the families lock, each replica could merge into a family the other just replaced.
        await Task.WhenAll(
            Task.Run(() => { for (var i = 0; i < 20; i += 2) { first.Families.Record(Facts($"a{i}", $"p{i}", $"p{i + 1}")); } }, TestContext.Current.CancellationToken),
            Task.Run(() => { for (var i = 1; i < 20; i += 2) { second.Families.Record(Facts($"b{i}", $"p{i}", $"p{i + 1}")); } }, TestContext.Current.CancellationToken));

        var family = first.Families.FamilyOf(["p0"]);
        Assert.Equal(21, family.Count);
        Assert.Equal(family, second.Families.FamilyOf(["p20"]));
    }

    private IndexDatabase Open() => IndexDatabase.Open(_postgres.Storage, "unused.db");

    private static RecordSignalFactsRequest Facts(string signal, params string[] subjects)
    {
        var facts = new RecordSignalFactsRequest { SignalId = signal, HolderOrganisationId = "vt-mwb", PayloadType = "veiligthuis.v1.SafetyAssessment" };
        facts.Subjects.AddRange(subjects);
        return facts;
    }
}
