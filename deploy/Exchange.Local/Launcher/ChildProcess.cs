using System.Diagnostics;
using System.Globalization;

namespace Exchange.Local.Launcher;

/// <summary>
/// One exchange service running as its own process, its output going to a log file. It runs the Production
/// environment (never Development: no developer exception pages, no detailed errors) and stops by itself when
/// the launcher that started it is gone.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const string ThreadPoolSpinLimit = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource<string> _logFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
        // One wait for the whole life of the process: reading Exited twice must not start a second one.
        Exited = process.WaitForExitAsync();
        Stopped = Task.WhenAny(Exited.ContinueWith(_ => ExitReason(), TaskScheduler.Default), _logFailed.Task).Unwrap();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited { get; }

    /// <summary>
    /// Completes, with the reason, when the service can no longer be relied on: it exited, or its log cannot be
    /// written (a full disk), so that what it does would go unrecorded.
    /// </summary>
    public Task<string> Stopped { get; }

    public static ChildProcess Start(string name, string assemblyPath, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"{name}: {assemblyPath} is missing; build the solution first (dotnet build Exchange.sln).");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assemblyPath },
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
        };
        // The local exchange runs as it would in production: a failure is a gRPC status, never a developer page.
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Ten services share this machine's cores: an idle thread-pool thread that spins before it sleeps burns CPU
        // another service needs (a third of the police service's CPU under load in a profile, docs/benchmarks.md).
        // A value in the launcher's own environment (e.g. the runtime's default, 70) is kept, for comparison.
        if (Environment.GetEnvironmentVariable(ThreadPoolSpinLimit) is null)
        {
            start.Environment[ThreadPoolSpinLimit] = "0";
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Start(name, start, logPath);
    }

    /// <summary>Starts any command as a child of this launcher, its output appended to <paramref name="logPath"/>.</summary>
    public static ChildProcess Start(string name, ProcessStartInfo start, string logPath)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        // A service stops by itself when this launcher is gone, however it went (see ParentProcessWatch).
        start.Environment["Hosting__ParentProcessId"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        ChildProcess? child = null;
        process.OutputDataReceived += (_, e) => child?.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child?.Write(e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            log.Dispose();
            process.Dispose();
            throw;
        }

        child = new ChildProcess(name, process, log);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Asks the process to stop (SIGTERM, so it shuts down cleanly), and kills it after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (!Terminate(_process.Id))
        {
            Kill();
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await Exited.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await Exited;
        }
    }

    /// <summary>Kills the process at once, without waiting: for when the launcher itself is failing.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        lock (_log)
        {
            try
            {
                _log.Dispose();
            }
            catch (IOException)
            {
                // Whatever could not be flushed was already reported as the reason the service stopped.
            }
        }
    }

    private void Write(string? line)
    {
        if (line is null || _logFailed.Task.IsCompleted)
        {
            return;
        }

        lock (_log)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (IOException exception)
            {
                _logFailed.TrySetResult($"its log cannot be written ({exception.Message})");
            }
        }
    }

    private string ExitReason() =>
        _process.ExitCode > 128 && !OperatingSystem.IsWindows()
            ? $"killed by signal {_process.ExitCode - 128}"
            : $"exit code {_process.ExitCode}";

    /// <summary>SIGTERM lets ASP.NET Core stop gracefully (drain calls, flush the ledger); Process.Kill would be SIGKILL.</summary>
    private static bool Terminate(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false });
            kill?.WaitForExit();
            return kill?.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
