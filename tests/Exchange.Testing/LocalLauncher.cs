using System.Diagnostics;
using Exchange.Client.Local;
using Grpc.Net.Client;

namespace Exchange.Testing;

/// <summary>
/// The exchange as README.md starts it: the launcher, every service its own process, SQLite under a
/// data directory of the test's own, a free range of loopback ports. Stopped with SIGTERM, as Ctrl-C would.
/// </summary>
public sealed class LocalLauncher : IAsyncDisposable
{
    private readonly Process _launcher;
    private readonly TempDirectory _data;
    private readonly List<PartnerConnection> _connections = [];

    private LocalLauncher(Process launcher, TempDirectory data, LocalManifest manifest, StringWriter output)
    {
        _launcher = launcher;
        _data = data;
        Manifest = manifest;
        Output = output;
    }

    public LocalManifest Manifest { get; }

    public StringWriter Output { get; }

    public string DataDirectory => _data.Path;

    public string ManifestPath => Path.Combine(_data.Path, "local.json");

    /// <summary>The typed topology of this exchange, as the launcher derived it (its base port is the gateway's, offset 0).</summary>
    public Exchange.Topology.ExchangeTopology Topology => Exchange.Topology.ExchangeTopology.OnLoopback(
        Repository.Root, _data.Path, new Exchange.Pki.PkiDirectory(Path.Combine(_data.Path, "pki")),
        name => new Uri(Manifest.Gateway).Port - Exchange.Topology.ExchangeTopology.Offset("gateway") + Exchange.Topology.ExchangeTopology.Offset(name));


    public static async Task<LocalLauncher> StartAsync(params string[] launcherArguments)
    {
        var data = new TempDirectory("exchange-local");
        var output = new StringWriter();
        var launcher = Launch(output, ["--data", data.Path, .. launcherArguments]);

        var manifestPath = Path.Combine(data.Path, "local.json");
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (!File.Exists(manifestPath))
        {
            if (launcher.HasExited || DateTime.UtcNow > deadline)
            {
                var logs = string.Join(Environment.NewLine, Directory.Exists(Path.Combine(data.Path, "logs"))
                    ? Directory.GetFiles(Path.Combine(data.Path, "logs"), "*.log").Select(f => $"--- {f}{Environment.NewLine}{Tail(f)}")
                    : []);
                launcher.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"The launcher did not start the exchange:{Environment.NewLine}{output}{Environment.NewLine}{logs}");
            }

            await Task.Delay(250);
        }

        await Task.Delay(100);
        return new LocalLauncher(launcher, data, LocalManifest.Read(manifestPath), output);
    }

    /// <summary>
    /// Runs the launcher in a mode that ends by itself (--demo) on a free range of loopback ports, to its exit or at most
    /// <paramref name="timeout"/> (then it is killed with its services); returns its exit code and everything it wrote.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(TimeSpan timeout, params string[] launcherArguments)
    {
        var output = new StringWriter();
        using var launcher = Launch(output, launcherArguments);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await launcher.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            launcher.Kill(entireProcessTree: true);
            await launcher.WaitForExitAsync();
            lock (output)
            {
                output.WriteLine($"(killed: the launcher had not exited after {timeout})");
            }
        }

        // The redirected streams are read to their end before WaitForExit returns without a token; with one, wait for them.
        launcher.WaitForExit();
        lock (output)
        {
            return (launcher.ExitCode, output.ToString());
        }
    }

    /// <summary>
    /// A demo partner's case system, connecting with the certificate the launcher issued to it and access
    /// tokens bound to that certificate, from the identity service the launcher started.
    /// </summary>
    public Partner Partner(string organisationId)
    {
        var connection = Manifest.Connect(organisationId);
        _connections.Add(connection);
        return new Partner(organisationId, connection.Channel);
    }

    /// <summary>A partner's privacy officers' system (exchange.ledger.review only), e.g. to read the ledger.</summary>
    public GrpcChannel Reviewer(string organisationId)
    {
        var connection = Manifest.Connect(organisationId, asReviewer: true);
        _connections.Add(connection);
        return connection.Channel;
    }

    /// <summary>Every file the exchange wrote: logs, traces, databases, keys.</summary>
    public IEnumerable<string> Files() => Directory.EnumerateFiles(_data.Path, "*", SearchOption.AllDirectories);

    /// <summary>Stops the exchange as Ctrl-C would and waits until every service process has exited.</summary>
    public async Task StopAsync()
    {
        if (!_launcher.HasExited)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _launcher.Id.ToString(global::System.Globalization.CultureInfo.InvariantCulture) } }))
            {
                await term!.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _launcher.WaitForExitAsync(timeout.Token);
        }

        foreach (var pid in Manifest.Processes.Values)
        {
            try
            {
                using var leftover = Process.GetProcessById(pid);
                leftover.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // Already gone, as it should be.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        try
        {
            await StopAsync();
        }
        finally
        {
            _launcher.Dispose();
            _data.Dispose();
        }
    }

    /// <summary>The launcher as a process on a free range of loopback ports, everything it writes collected in <paramref name="output"/>.</summary>
    private static Process Launch(StringWriter output, IEnumerable<string> launcherArguments)
    {
        var launcher = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { LauncherAssembly(), "--base-port", FreePorts.Range(Exchange.Topology.ExchangeTopology.PortCount).ToString(global::System.Globalization.CultureInfo.InvariantCulture) },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Repository.Root,
            },
        };
        foreach (var argument in launcherArguments)
        {
            launcher.StartInfo.ArgumentList.Add(argument);
        }

        launcher.OutputDataReceived += (_, e) => { lock (output) { output.WriteLine(e.Data); } };
        launcher.ErrorDataReceived += (_, e) => { lock (output) { output.WriteLine(e.Data); } };
        launcher.Start();
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();
        return launcher;
    }

    private static string LauncherAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Repository.Path("deploy", "Exchange.Local", "bin", configuration, "net10.0", "Exchange.Local.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the launcher is missing.", path);
    }

    private static string Tail(string file) => string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(30));
}
