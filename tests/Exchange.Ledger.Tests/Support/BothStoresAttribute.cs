using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

namespace Exchange.Ledger.Tests.Support;

/// <summary>Runs a theory once on SQLite and once on PostgreSQL: one test suite for both stores.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class BothStoresAttribute : DataAttribute
{
    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker) =>
        new([new TheoryDataRow<StoreKind>(StoreKind.Sqlite), new TheoryDataRow<StoreKind>(StoreKind.Postgres)]);

    public override bool SupportsDiscoveryEnumeration() => true;
}
