using Exchange.Ledger.Hosting;
using Exchange.Storage;
using Exchange.Topology.Settings;
using Microsoft.Extensions.Configuration;

namespace Exchange.Topology.Tests.Settings;

/// <summary>
/// One setting of the topology chooses where the stores live: SQLite files by default, or one PostgreSQL database for
/// the ledger, the index and every domain service, each of the latter in a schema of its own.
/// </summary>
public sealed class StorageSettingsTests(ProcessConfigurationTests.WholeExchange exchange) : IClassFixture<ProcessConfigurationTests.WholeExchange>
{
    private const string Postgres = "Host=127.0.0.1;Port=5432;Database=exchange;Username=exchange";

    [Fact]
    public void By_default_the_ledger_the_index_and_the_domain_services_keep_SQLite_files()
    {
        var topology = exchange.Topology;

        Assert.Equal(LedgerStoreKind.Sqlite, Ledger(topology).Store);
        Assert.All(Stored(topology), p => Assert.Equal(StoreProvider.Sqlite, Storage(topology, p).Provider));
    }

    [Fact]
    public void With_PostgreSQL_chosen_the_ledger_the_index_and_each_domain_service_use_it_each_service_in_a_schema_of_its_own()
    {
        var topology = exchange.Topology with { Postgres = Postgres };

        Assert.Equal((LedgerStoreKind.Postgres, Postgres), (Ledger(topology).Store, Ledger(topology).PostgresConnectionString));
        var stores = Stored(topology).Select(p => Storage(topology, p)).ToList();
        Assert.All(stores, s => Assert.Equal((StoreProvider.Postgres, Postgres), (s.Provider, s.ConnectionString)));
        Assert.Equal(stores.Count, stores.Select(s => s.Schema).Distinct(StringComparer.Ordinal).Count());
        Assert.All(stores, s => Assert.True(StorageOptions.IsSchemaName(s.Schema!), s.Schema));
        Assert.Equal(5, stores.Count);
    }

    private static IEnumerable<ExchangeProcess> Stored(ExchangeTopology topology) =>
        topology.Processes.Where(p => p.Part is ExchangePart.Index or ExchangePart.Node);

    /// <summary>The storage setting as the service binds it from what the topology wrote.</summary>
    private static StorageOptions Storage(ExchangeTopology topology, ExchangeProcess process) =>
        Bound(topology.For(process)).GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

    private static LedgerOptions Ledger(ExchangeTopology topology) =>
        Bound(topology.For(topology.Require(ExchangePart.Policy))).GetSection("Ledger").Get<LedgerOptions>()!;

    private static IConfiguration Bound(ProcessConfiguration configuration) =>
        new ConfigurationBuilder().AddInMemoryCollection(configuration.ToSettings()!).Build();
}
