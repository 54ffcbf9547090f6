using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>
/// A service started by a launcher (setting <c>Hosting:ParentProcessId</c>) stops when that launcher is gone, however
/// it went (a crash, kill -9): no orphaned service keeps a port and answers health probes for an exchange that no
/// longer runs. Without the setting, nothing is watched.
/// </summary>
public sealed partial class ParentProcessWatch(IConfiguration configuration, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ParentProcessWatch> logger)
    : BackgroundService
{
    public const string Setting = "Hosting:ParentProcessId";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration[Setting], System.Globalization.CultureInfo.InvariantCulture, out var pid) || Started(pid) is not { } started)
        {
            if (configuration[Setting] is { Length: > 0 })
            {
                // The launcher that started us is already gone.
                Stop(pid);
            }

            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (Started(pid) != started)
            {
                Stop(pid);
                return;
            }
        }
    }

    private void Stop(int pid)
    {
        LogParentGone(logger, pid);
        lifetime.StopApplication();
    }

    /// <summary>When the process started, or null when there is none: a reused process id has another start time.</summary>
    private static DateTime? Started(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "The launcher (process {ProcessId}) that started this service is gone; stopping")]
    private static partial void LogParentGone(ILogger logger, int processId);
}
