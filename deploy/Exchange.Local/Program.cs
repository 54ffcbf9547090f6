using Exchange.Client.Local;
using System.Globalization;
using System.Runtime.InteropServices;
using Exchange.Local.Demo;
using Exchange.Local.Launcher;

// Starts the whole exchange on 127.0.0.1 with SQLite under .exchange/, until Ctrl-C (SIGINT) or SIGTERM.
// With --demo: in a fresh folder, plays the acceptance scenario against it and stops (exit 0 when every step passed).
var root = LocalLayout.FindRepositoryRoot();
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
if (args.Contains("--list-processes"))
{
    // What the exchange is made of, from the topology, for deploy/kubernetes's check; starts nothing.
    ProcessListing.Write(root, Console.Out);
    return 0;
}

var demo = args.Contains("--demo");
var basePort = Option("--base-port") is { } port ? int.Parse(port, CultureInfo.InvariantCulture) : 7400;
var demoData = demo && Option("--data") is null ? ScenarioDemo.FreshDataDirectory() : null;
var layout = new LocalLayout(root, Path.GetFullPath(Option("--data") ?? demoData ?? Path.Combine(root, ".exchange")), basePort)
{
    // Calls per second each partner may make at the gateway; raised for load runs (tools/Exchange.Load).
    PartnerRate = Option("--partner-rate") is { } rate ? int.Parse(rate, CultureInfo.InvariantCulture) : null,
    TraceFiles = args.Contains("--trace-files"),
};

using var stop = new CancellationTokenSource();
StopSignals.Restore();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

Console.WriteLine($"Need-to-Know Exchange: starting on 127.0.0.1 (data in {layout.DataRoot})");
await using var exchange = new LocalExchange(layout, Console.Out);
// A failure on another thread ends the process without unwinding: the services must not outlive it.
AppDomain.CurrentDomain.UnhandledException += (_, _) => exchange.KillAll();
try
{
    var manifest = await exchange.StartAsync(stop.Token);
    if (demo)
    {
        return await ScenarioDemo.PlayAsync(manifest, root, Console.Out, Console.Error, stop.Token);
    }

    Console.WriteLine();
    Console.WriteLine($"Partners connect to the gateway at {manifest.Gateway} with their client certificate:");
    foreach (var partner in manifest.Partners)
    {
        Console.WriteLine($"  {partner.Id,-16} {partner.Name}");
    }

    Console.WriteLine($"Privacy officers log in to the console at {manifest.Services["console"]} as fg.<partner id>; passwords in {Path.Combine(layout.DataRoot, "secrets", "console-users")}");
    Console.WriteLine($"Endpoints and credentials: {layout.Manifest}");
    Console.WriteLine($"Service logs: {manifest.Logs}");
    Console.WriteLine("Press Ctrl-C to stop.");

    var stopped = exchange.FirstStopAsync();
    await Task.WhenAny(stopped, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
    if (stopped.IsCompleted && !stop.IsCancellationRequested)
    {
        var why = await stopped;
        Console.Error.WriteLine($"{why.Name} stopped unexpectedly ({why.Reason}); stopping the exchange. See {Path.Combine(layout.DataRoot, "logs")}.");
        return 1;
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl-C while starting (or, with --demo, while the story plays: then it did not pass).
    if (demo)
    {
        Console.Error.WriteLine("Demo onderbroken / demo interrupted.");
        return ScenarioDemo.Failed;
    }
}
catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or FileNotFoundException or InvalidDataException or IOException)
{
    Console.Error.WriteLine(exception.Message);
    return 1;
}
finally
{
    Console.WriteLine("Stopping…");
    if (demoData is not null)
    {
        await exchange.DisposeAsync();
        Directory.Delete(demoData, recursive: true);
    }
}

return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

/// <summary>
/// A shell starts a background job with SIGINT ignored, and a process keeps what it inherits: the launcher puts
/// SIGINT back to its default first, so that `kill -INT` (or Ctrl-C) stops it however it was started.
/// </summary>
internal static partial class StopSignals
{
    private const int Sigint = 2;

    public static void Restore()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = Signal(Sigint, 0);
        }
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint Signal(int signal, nint handler);
}
