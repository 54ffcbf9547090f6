using System.Diagnostics;
using System.Globalization;
using Exchange.Client.Local;
using Exchange.Testing;

namespace Exchange.Edge.Tests.Support;

/// <summary>
/// The launcher as a script runs it: a background job of a non-interactive shell (which starts it with SIGINT
/// ignored), its own data folder and free ports, its output in a file. Stopped with SIGINT, as Ctrl-C or a
/// script's <c>kill -INT</c> would.
/// </summary>
public sealed class BackgroundLauncher : IAsyncDisposable
{
    private readonly Process _shell;
    private readonly TempDirectory? _owned;
    private bool _started;

    private BackgroundLauncher(Process shell, int pid, string dataDirectory, string outputPath, TempDirectory? owned)
    {
        _shell = shell;
        Pid = pid;
        DataDirectory = dataDirectory;
        OutputPath = outputPath;
        _owned = owned;
    }

    /// <summary>The launcher's own process id (not the shell's).</summary>
    public int Pid { get; }

    public string DataDirectory { get; }

    public string ManifestPath => Path.Combine(DataDirectory, "local.json");

    public LocalManifest Manifest => LocalManifest.Read(ManifestPath);

    public string Output => File.Exists(OutputPath) ? File.ReadAllText(OutputPath) : string.Empty;

    public bool HasExited => _shell.HasExited;

    private string OutputPath { get; }

    /// <summary>
    /// Starts a launcher; with <paramref name="waitUntilRunning"/> returns once it wrote its manifest, otherwise
    /// at once (a launcher expected to refuse).
    /// </summary>
    public static async Task<BackgroundLauncher> StartAsync(string? dataDirectory = null, int? basePort = null, bool waitUntilRunning = true)
    {
        var owned = dataDirectory is null ? new TempDirectory("exchange-edge") : null;
        var data = dataDirectory ?? owned!.Path;
        var start = new ProcessStartInfo("bash")
        {
            // "$!" is the launcher; the shell waits for it and exits with its exit code.
            ArgumentList =
            {
                "-c", "dotnet \"$0\" \"$@\" >> \"$EXCHANGE_LAUNCHER_OUT\" 2>&1 & echo $!; wait $!",
                LauncherAssembly(), "--data", data, "--base-port", (basePort ?? FreePorts.Range(20)).ToString(CultureInfo.InvariantCulture),
            },
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var output = Path.Combine(data, $"launcher-{Guid.NewGuid():N}.out");
        start.Environment["EXCHANGE_LAUNCHER_OUT"] = output;
        var shell = Process.Start(start)!;
        var pid = int.Parse((await shell.StandardOutput.ReadLineAsync())!, CultureInfo.InvariantCulture);
        var launcher = new BackgroundLauncher(shell, pid, data, output, owned);
        if (waitUntilRunning)
        {
            await launcher.WaitForManifestAsync();
        }

        return launcher;
    }

    /// <summary>Sends the launcher a signal, e.g. "INT" or "KILL".</summary>
    public void Signal(string signal) => Kill(signal, Pid);

    /// <summary>The launcher's exit code, once it has exited; null if it did not within the timeout.</summary>
    public async Task<int?> ExitCodeAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _shell.WaitForExitAsync(deadline.Token);
            return _shell.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The service processes of the manifest that are still alive.</summary>
    public static IReadOnlyList<string> LivingServices(LocalManifest manifest) =>
        [.. manifest.Processes.Where(p => IsAlive(p.Value)).Select(p => p.Key)];

    /// <summary>Waits until none of the manifest's services is alive; false when some still are at the timeout.</summary>
    public static async Task<bool> ServicesGoneAsync(LocalManifest manifest, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (LivingServices(manifest).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(200);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        // Only a launcher that started the exchange answers for its services (a refused one shares the folder).
        LocalManifest? manifest = _started && File.Exists(ManifestPath) ? Manifest : null;
        if (!_shell.HasExited)
        {
            Signal("INT");
            if (await ExitCodeAsync(TimeSpan.FromSeconds(60)) is null)
            {
                Signal("KILL");
            }
        }

        foreach (var pid in manifest?.Processes.Values ?? [])
        {
            if (IsAlive(pid))
            {
                Kill("KILL", pid);
            }
        }

        _shell.Dispose();
        _owned?.Dispose();
    }

    private async Task WaitForManifestAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (!File.Exists(ManifestPath))
        {
            if (_shell.HasExited || DateTime.UtcNow > deadline)
            {
                var logs = Directory.Exists(Path.Combine(DataDirectory, "logs"))
                    ? string.Join('\n', Directory.GetFiles(Path.Combine(DataDirectory, "logs"), "*.log").Select(f => $"--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}"))
                    : string.Empty;
                await DisposeAsync();
                throw new InvalidOperationException($"The launcher did not start the exchange:\n{Output}\n{logs}");
            }

            await Task.Delay(250);
        }

        _started = true;
        await Task.Delay(100);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Sends a signal to any process, e.g. one of the launcher's services.</summary>
    public static void Kill(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false });
        kill!.WaitForExit();
    }

    private static string LauncherAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Repository.Path("deploy", "Exchange.Local", "bin", configuration, "net10.0", "Exchange.Local.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the launcher is missing.", path);
    }
}
