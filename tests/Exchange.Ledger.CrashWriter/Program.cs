using System.Globalization;
using Exchange.Contracts.Ledger.V1;
using Exchange.Contracts.V1;
using Exchange.Ledger;
using Exchange.Ledger.Hosting;

// Usage: CrashWriter <sqlite|postgres> <path-or-connection-string> <signing-key-path> <writers> <entries-per-append>
// Prints "ready", then one line "ack <decision id> <first sequence> <count>" per append, only after the
// ledger has returned it as durable. Runs until killed; exits by itself after 60 s so it can never linger.
//    or: CrashWriter lock <sqlite-path>
// Takes SQLite's write lock on the ledger file as another program would (a backup, an operator's sqlite3 shell),
// prints "locked", and holds it until its standard input closes or it is killed; at most 120 s.
if (args is ["lock", var lockedPath])
{
    await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={lockedPath};Pooling=false");
    await connection.OpenAsync();
    await using (var begin = connection.CreateCommand())
    {
        begin.CommandText = "BEGIN EXCLUSIVE";
        await begin.ExecuteNonQueryAsync();
    }

    Console.Out.WriteLine("locked");
    await Console.In.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(120)).ContinueWith(_ => { }, TaskScheduler.Default);
    return 0;
}

if (args.Length != 5)
{
    await Console.Error.WriteLineAsync("usage: CrashWriter <sqlite|postgres> <target> <key> <writers> <entries-per-append>");
    return 2;
}

var postgres = args[0] == "postgres";
var options = new LedgerOptions
{
    Store = postgres ? LedgerStoreKind.Postgres : LedgerStoreKind.Sqlite,
    SqlitePath = postgres ? "unused.db" : args[1],
    PostgresConnectionString = postgres ? args[1] : null,
    SigningKeyPath = args[2],
    Origin = "exchange.test/ledger",
};
var writers = int.Parse(args[3], CultureInfo.InvariantCulture);
var perAppend = int.Parse(args[4], CultureInfo.InvariantCulture);

await using var ledger = await DisclosureLedger.OpenAsync(options);
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
var output = Console.Out;
var gate = new Lock();
Console.Out.WriteLine("ready");

// Checkpoints are signed while appends run, so a kill can also land in the middle of one.
var checkpoints = Task.Run(async () =>
{
    while (!deadline.IsCancellationRequested)
    {
        await ledger.CheckpointAsync(deadline.Token);
        await Task.Delay(20, deadline.Token);
    }
});

var tasks = Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
{
    for (var i = 0; !deadline.IsCancellationRequested; i++)
    {
        var decision = $"w{writer}-{i}";
        var entries = Enumerable.Range(0, perAppend).Select(subject => new LedgerEntry
        {
            Kind = EntryKind.Decision,
            DecisionId = decision,
            TraceId = decision,
            Requester = new Actor { OrganisationId = "rvdk-zuidwest", Role = "raadsonderzoeker" },
            HolderOrganisationId = "vt-mwb",
            SubjectPseudonym = $"{decision}-s{subject}",
            Purpose = Purpose.ChildProtectionInvestigation,
            Decision = Decision.Permit,
        }).ToList();
        var sequences = await ledger.AppendAsync(entries, deadline.Token);
        lock (gate)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ack {decision} {sequences[0]} {sequences.Count}"));
        }
    }
})).ToList();

try
{
    await Task.WhenAll(tasks.Append(checkpoints));
}
catch (OperationCanceledException)
{
    // The 60 s safety deadline passed without a kill.
}

return 0;
