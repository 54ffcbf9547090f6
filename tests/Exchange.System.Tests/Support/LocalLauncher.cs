using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Exchange.Testing;
using Grpc.Net.Client;

namespace Exchange.System.Tests.Support;

/// <summary>
/// The exchange as README.md starts it: the launcher, every service its own process, SQLite under a
/// data directory of the test's own, a free range of loopback ports. Stopped with SIGTERM, as Ctrl-C would.
/// </summary>
public sealed class LocalLauncher : IAsyncDisposable
{
    private readonly Process _launcher;
    private readonly TempDirectory _data;
    private readonly List<Partner> _partners = [];
    private readonly List<IDisposable> _clients = [];

    private LocalLauncher(Process launcher, TempDirectory data, JsonElement manifest, StringWriter output)
    {
        _launcher = launcher;
        _data = data;
        Manifest = manifest;
        Output = output;
    }

    public JsonElement Manifest { get; }

    public StringWriter Output { get; }

    public string DataDirectory => _data.Path;

    public Uri Gateway => new(Manifest.GetProperty("gateway").GetString()!);

    public X509Certificate2 Ca => X509CertificateLoader.LoadCertificateFromFile(Manifest.GetProperty("ca_certificate").GetString()!);

    public static async Task<LocalLauncher> StartAsync()
    {
        var data = new TempDirectory("exchange-local");
        var output = new StringWriter();
        var launcher = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { LauncherAssembly(), "--data", data.Path, "--base-port", FreeBasePort().ToString(global::System.Globalization.CultureInfo.InvariantCulture) },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Repository.Root,
            },
        };
        launcher.OutputDataReceived += (_, e) => { lock (output) { output.WriteLine(e.Data); } };
        launcher.ErrorDataReceived += (_, e) => { lock (output) { output.WriteLine(e.Data); } };
        launcher.Start();
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();

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
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath));
        return new LocalLauncher(launcher, data, manifest.RootElement.Clone(), output);
    }

    /// <summary>The identity service's issuer, where partner systems get their tokens.</summary>
    public Uri Issuer => new(Manifest.GetProperty("identity").GetProperty("issuer").GetString()!);

    /// <summary>
    /// A demo partner's case system, connecting with the certificate the launcher issued to it and access
    /// tokens bound to that certificate, from the identity service the launcher started.
    /// </summary>
    public Partner Partner(string organisationId)
    {
        var entry = PartnerEntry(organisationId);
        var partner = new Partner(organisationId, Channel(entry, entry.GetProperty("client_id").GetString()!));
        _partners.Add(partner);
        return partner;
    }

    /// <summary>A partner's privacy officers' system (exchange.ledger.review only), e.g. to read the ledger.</summary>
    public GrpcChannel Reviewer(string organisationId)
    {
        var reviewer = PartnerEntry(organisationId).GetProperty("reviewer");
        var channel = Channel(reviewer, reviewer.GetProperty("client_id").GetString()!);
        _clients.Add(channel);
        return channel;
    }

    private JsonElement PartnerEntry(string organisationId) =>
        Manifest.GetProperty("partners").EnumerateArray().Single(p => p.GetProperty("id").GetString() == organisationId);

    private GrpcChannel Channel(JsonElement client, string clientId)
    {
        var certificate = X509Certificate2.CreateFromPemFile(client.GetProperty("certificate").GetString()!, client.GetProperty("key").GetString()!);
        var tokens = new PartnerTokenClient(Issuer, Ca, certificate, clientId);
        _clients.Add(tokens);
        return PartnerChannel.Create(Gateway, Ca, certificate, tokens);
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

        foreach (var pid in Manifest.GetProperty("processes").EnumerateObject().Select(p => p.Value.GetInt32()))
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
        foreach (var partner in _partners)
        {
            partner.Channel.Dispose();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
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

    private static string LauncherAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Repository.Path("deploy", "Exchange.Local", "bin", configuration, "net10.0", "Exchange.Local.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the launcher is missing.", path);
    }

    /// <summary>A base port whose next 20 ports are free on loopback.</summary>
    private static int FreeBasePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var basePort = Random.Shared.Next(200, 400) * 100;
            if (Enumerable.Range(basePort, 20).All(IsFree))
            {
                return basePort;
            }
        }

        throw new InvalidOperationException("No free range of loopback ports.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Tail(string file) => string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(30));
}
