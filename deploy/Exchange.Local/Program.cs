using Exchange.Client.Local;
using System.Globalization;
using Exchange.Local.Launcher;

// Starts the whole exchange on 127.0.0.1 with SQLite under .exchange/, until Ctrl-C.
var root = LocalLayout.FindRepositoryRoot();
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var basePort = Option("--base-port") is { } port ? int.Parse(port, CultureInfo.InvariantCulture) : 7400;
var layout = new LocalLayout(root, Path.GetFullPath(Option("--data") ?? Path.Combine(root, ".exchange")), basePort)
{
    // Calls per second each partner may make at the gateway; raised for load runs (tools/Exchange.Load).
    PartnerRate = Option("--partner-rate") is { } rate ? int.Parse(rate, CultureInfo.InvariantCulture) : null,
};

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });

Console.WriteLine($"Need-to-Know Exchange: starting on 127.0.0.1 (data in {layout.DataRoot})");
await using var exchange = new LocalExchange(layout, Console.Out);
try
{
    var manifest = await exchange.StartAsync(stop.Token);
    Console.WriteLine();
    Console.WriteLine($"Partners connect to the gateway at {manifest.Gateway} with their client certificate:");
    foreach (var partner in manifest.Partners)
    {
        Console.WriteLine($"  {partner.Id,-16} {partner.Name}");
    }

    Console.WriteLine($"Privacy officers log in to the console at {ConsoleProcess.Url(layout)} as fg.<partner id>; passwords in {Path.Combine(layout.Secrets, "console-users")}");
    Console.WriteLine($"Endpoints and credentials: {layout.Manifest}");
    Console.WriteLine($"Service logs: {layout.Logs}");
    Console.WriteLine("Press Ctrl-C to stop.");

    var exited = exchange.AnyExitedAsync();
    await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
    if (exited.IsCompleted && !stop.IsCancellationRequested)
    {
        var process = await exited;
        Console.Error.WriteLine($"{process.Name} stopped unexpectedly (exit code {process.ExitCode}); stopping the exchange. See {layout.Logs}.");
        return 1;
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl-C while starting.
}
catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine(exception.Message);
    return 1;
}

Console.WriteLine("Stopping…");
return 0;
