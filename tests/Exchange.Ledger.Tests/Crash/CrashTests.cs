using System.Globalization;
using Exchange.Ledger.Tests.Support;
using Exchange.Ledger.Verification;

namespace Exchange.Ledger.Tests.Crash;

/// <summary>
/// A separate process appends under concurrency and is killed with SIGKILL mid-run. Every append it
/// reported as acknowledged must be there after restart, no append may be half-written, and the
/// ledger must verify.
/// </summary>
public sealed class CrashTests
{
    private const int Writers = 16;
    private const int EntriesPerAppend = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [BothStores]
    public async Task Every_acknowledged_append_survives_a_sigkill_nothing_is_half_written_and_the_ledger_verifies(StoreKind kind)
    {
        await using var test = await TestLedger.CreateAsync(kind);
        var acknowledged = new List<(string Decision, ulong First, int Count)>();

        using (var writer = ChildProcess.Start("CrashWriterDll", kind == StoreKind.Postgres ? "postgres" : "sqlite", test.Target,
            test.Options.SigningKeyPath, Writers.ToString(CultureInfo.InvariantCulture), EntriesPerAppend.ToString(CultureInfo.InvariantCulture)))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var killedAt = DateTime.MaxValue;
            try
            {
                while (await writer.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    if (Parse(line) is { } ack)
                    {
                        acknowledged.Add(ack);
                    }

                    // Kill in full flight: after enough acknowledgements that many batches are in progress.
                    if (acknowledged.Count == 1500 && killedAt == DateTime.MaxValue)
                    {
                        writer.Kill();
                        killedAt = DateTime.UtcNow;
                    }
                }
            }
            finally
            {
                if (!writer.HasExited)
                {
                    writer.Kill();
                }
            }

            await writer.WaitForExitAsync(timeout.Token);
            Assert.True(killedAt != DateTime.MaxValue,
                $"the writer stopped after {acknowledged.Count} acknowledgements: {await writer.StandardError.ReadToEndAsync(Ct)}");
            Assert.Equal(137, writer.ExitCode); // 128 + SIGKILL
        }

        // Restart: the ledger opens (its tree matches its latest signed checkpoint) and verifies.
        await using var ledger = await test.OpenAsync();
        var report = await LedgerVerifier.VerifyStoreAsync(ledger.Store, null, Ct);
        Assert.True(report.Succeeded, report.Failure);
        Assert.True(report.CheckpointsVerified > 0);

        var stored = new Dictionary<ulong, Contracts.Ledger.V1.LedgerEntry>();
        for (var from = 0UL; from < ledger.Size; from += 1000)
        {
            foreach (var entry in await ledger.ReadEntriesAsync(from, 1000, Ct))
            {
                stored[entry.Entry.Sequence] = entry.Entry;
            }
        }

        foreach (var (decision, first, count) in acknowledged)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(stored.TryGetValue(first + (ulong)i, out var entry), $"acknowledged entry {first + (ulong)i} is missing");
                Assert.Equal(decision, entry.DecisionId);
                Assert.Equal($"{decision}-s{i}", entry.SubjectPseudonym);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{acknowledged.Count} appends acknowledged before SIGKILL; {stored.Count / EntriesPerAppend} appends in the store after restart");

        // All or nothing: every append that reached the store did so with all of its entries.
        Assert.All(stored.Values.GroupBy(e => e.DecisionId), group => Assert.Equal(EntriesPerAppend, group.Count()));
        Assert.True(stored.Count >= acknowledged.Count * EntriesPerAppend);
    }

    private static (string, ulong, int)? Parse(string line)
    {
        var parts = line.Split(' ');
        return parts.Length == 4 && parts[0] == "ack"
            ? (parts[1], ulong.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture))
            : null;
    }
}
