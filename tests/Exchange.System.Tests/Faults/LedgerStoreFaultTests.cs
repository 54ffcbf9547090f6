using System.Diagnostics;
using System.Reflection;
using Exchange.ServiceDefaults.Errors;
using Exchange.System.Tests.Support;

namespace Exchange.System.Tests.Faults;

/// <summary>
/// The ledger's SQLite file is locked by another process, or the file system under it is full. Appends fail, so
/// requests fail closed with LEDGER_UNAVAILABLE and no data; when the lock is released or space returns, the ledger
/// takes up where it was (its tree re-read from the store) and requests are served again without a restart.
/// </summary>
[Collection(ProxiedExchangeCollection.Name)]
public sealed class LedgerStoreFaultTests(ProxiedExchange exchange)
{
    [Fact]
    public async Task While_another_process_holds_the_ledgers_write_lock_requests_fail_closed_and_are_served_again_once_it_lets_go()
    {
        var outcomes = new List<CallOutcome>(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        using var holder = StartLockHolder(exchange.Cluster.LedgerPath);
        using var timeout = new CancellationTokenSource(FaultSettings.Patience);
        Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync(timeout.Token));

        var whileLocked = await exchange.Family.TryPullAsync();
        holder.Kill();
        await holder.WaitForExitAsync(timeout.Token);

        Assert.False(whileLocked.Succeeded, "a request was served while the ledger could not be written");
        Assert.Equal(ReasonCodes.LedgerUnavailable, RpcErrors.ReasonOf(whileLocked.Failure!));
        outcomes.Add(whileLocked);
        outcomes.AddRange(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        await exchange.Family.AssertPromisesHeldAsync(outcomes, ReasonCodes.LedgerUnavailable);
    }

    [Fact]
    public async Task On_a_full_disk_requests_fail_closed_and_when_space_returns_they_are_served_again()
    {
        Assert.SkipWhen(exchange.LedgerDisk is null, exchange.NoSmallFileSystem);
        var disk = exchange.LedgerDisk!;
        var outcomes = new List<CallOutcome>(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        List<CallOutcome> whileFull = [];
        try
        {
            disk.Fill();
            // SQLite may still fit a commit into space its files already hold; the next ones cannot fit.
            await Poll.UntilAsync(async () =>
            {
                whileFull.Add(await exchange.Family.TryPullAsync());
                return !whileFull[^1].Succeeded;
            }, FaultSettings.Patience, "every request was still served on the full disk");
        }
        finally
        {
            disk.Free();
        }

        Assert.Equal(ReasonCodes.LedgerUnavailable, RpcErrors.ReasonOf(whileFull[^1].Failure!));
        outcomes.AddRange(whileFull);
        outcomes.AddRange(await exchange.Family.PullUntilServedAsync(FaultSettings.Patience));
        await exchange.Family.AssertPromisesHeldAsync(outcomes, ReasonCodes.LedgerUnavailable);
    }

    private static Process StartLockHolder(string ledger)
    {
        var writer = typeof(LedgerStoreFaultTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashWriterDll").Value!;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(writer);
        info.ArgumentList.Add("lock");
        info.ArgumentList.Add(ledger);
        return Process.Start(info)!;
    }
}
