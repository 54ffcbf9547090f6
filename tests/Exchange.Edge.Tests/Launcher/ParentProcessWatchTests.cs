using System.Diagnostics;
using System.Globalization;
using Exchange.ServiceDefaults.Hosting;
using Exchange.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Exchange.Edge.Tests.Launcher;

/// <summary>
/// A service started by a launcher stops by itself when that launcher is gone, however it went (kill -9
/// included): no orphan keeps a port and answers health probes for an exchange that no longer runs.
/// </summary>
public sealed class ParentProcessWatchTests
{
    [Fact]
    public async Task A_service_stops_by_itself_when_the_process_that_started_it_is_killed()
    {
        using var launcher = Process.Start(new ProcessStartInfo("sleep", "120") { UseShellExecute = false })!;
        await using var service = await RunningService.StartAsync(
            "exchange-orphan", typeof(ParentProcessWatchTests),
            new Dictionary<string, string?> { [ParentProcessWatch.Setting] = launcher.Id.ToString(CultureInfo.InvariantCulture) },
            _ => { }, _ => { }, issuesTokens: true);
        var stopping = service.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        Assert.False(stopping.IsCancellationRequested);

        launcher.Kill();

        await Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(stopping.IsCancellationRequested);
    }
}
