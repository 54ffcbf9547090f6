using Exchange.Client.Local;
using Exchange.Contracts.Registry.V1;
using Exchange.Registry.Client.Administration;
using Exchange.Topology;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Exchange.ServiceDefaults.Security;

namespace Exchange.Local.Launcher;

/// <summary>Why a service of the local exchange stopped on its own.</summary>
public sealed record ChildStop(string Name, string Reason);

/// <summary>
/// Starts every service of the exchange as a process, waits until all are healthy, and stops them together.
/// One launcher per data folder (a lock file there), and only on ports nobody else holds: a second start never
/// mistakes a running (or orphaned) exchange for its own.
/// </summary>
public sealed class LocalExchange(LocalLayout layout, TextWriter output) : IAsyncDisposable
{
    private readonly List<ChildProcess> _processes = [];
    private FileStream? _lock;

    public string LockPath => Path.Combine(layout.DataRoot, "launcher.lock");

    public string PidPath => Path.Combine(layout.DataRoot, "launcher.pid");

    public async Task<LocalManifest> StartAsync(CancellationToken cancellationToken)
    {
        TakeLock();
        var topology = layout.Topology();
        TopologyCredentials.Ensure(topology);
        RequireFreePorts(topology.Processes);

        foreach (var process in topology.StartOrder)
        {
            var child = ChildProcess.Start(
                process.Name,
                layout.Assembly(process),
                topology.For(process).ToEnvironment(),
                Path.Combine(topology.Logs, process.Name + ".log"));
            _processes.Add(child);
            var handler = process.IsHttps ? MutualTls(topology) : null;
            await HealthProbe.WaitAsync(child, process.Url, handler, TimeSpan.FromSeconds(60), cancellationToken);
            await output.WriteLineAsync($"  {process.Name,-16} {process.Url}");
        }

        var registered = await TopologyRegistration.RegisterDemoPartnersAsync(topology, cancellationToken);
        if (registered.Count > 0)
        {
            await output.WriteLineAsync($"  registered and approved in the registry: {string.Join(", ", registered)}");
        }

        var issuer = topology.Issuer;
        var manifest = new LocalManifest(
            topology.Require(ExchangePart.Gateway).Url.ToString(),
            topology.Pki.CaCertificatePath,
            new IdentityManifest(issuer.ToString(), new Uri(issuer, "connect/token").ToString(), ExchangeClaims.ApiAudience),
            topology.Processes.ToDictionary(p => p.Name, p => p.Url.ToString()),
            new LedgerManifest(topology.LedgerDatabase, topology.LedgerSigningKey)
            {
                Witness = topology.LedgerWitnesses() is [var witness] ? new WitnessManifest(witness.Address!.ToString(), witness.VerifierKey) : null,
            },
            [.. topology.Partners.Select(p => Partner(topology, p))],
            topology.Logs,
            _processes.ToDictionary(p => p.Name, p => p.Id))
        {
            Registry = new RegistryManifest(
                topology.Require(ExchangePart.Registry).Url.ToString(),
                [.. RegistryAdministrators.LocalClients.Select(c => new ClientManifest(c, topology.Pki.ClientCertificatePath(c), topology.Pki.ClientKeyPath(c), [ExchangeScopes.RegistryAdmin]))]),
        };
        manifest.Write(layout.Manifest);
        return manifest;
    }

    /// <summary>Completes when any service stops on its own (exits, or can no longer log): the exchange is then no longer whole.</summary>
    public async Task<ChildStop> FirstStopAsync()
    {
        var stopped = await Task.WhenAny(_processes.Select(p => p.Stopped));
        var process = _processes.First(p => p.Stopped == stopped);
        return new ChildStop(process.Name, await stopped);
    }

    /// <summary>Kills every service at once: the last resort when the launcher itself fails and cannot stop them gently.</summary>
    public void KillAll()
    {
        foreach (var process in _processes)
        {
            process.Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The gateway first, so no new calls arrive while the services behind it stop; one that will not stop
        // does not keep the others running.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            try
            {
                await _processes[i].DisposeAsync();
            }
            catch (Exception exception) when (exception is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                _processes[i].Kill();
                await output.WriteLineAsync($"  {_processes[i].Name} did not stop cleanly ({exception.Message}); killed.");
            }
        }

        _processes.Clear();
        if (_lock is not null)
        {
            File.Delete(PidPath);
            await _lock.DisposeAsync();
            _lock = null;
        }
    }

    /// <summary>One launcher per data folder, held for as long as this one runs (an OS lock: it goes with the process).</summary>
    private void TakeLock()
    {
        Directory.CreateDirectory(layout.DataRoot);
        try
        {
            _lock = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = File.Exists(PidPath) ? File.ReadAllText(PidPath).Trim() : "unknown";
            throw new InvalidOperationException(
                $"Another launcher is running the exchange with data in {layout.DataRoot} (process {holder}); stop it first (Ctrl-C, or kill -INT {holder}).");
        }

        File.WriteAllText(PidPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        // A manifest from an earlier run describes processes that are gone.
        File.Delete(layout.Manifest);
    }

    /// <summary>Refuses to start when any port of the exchange is taken, e.g. by services a crashed launcher left behind.</summary>
    private static void RequireFreePorts(IEnumerable<ExchangeProcess> processes)
    {
        foreach (var process in processes)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, process.Url.Port);
                listener.Start();
            }
            catch (SocketException)
            {
                throw new InvalidOperationException(
                    $"Port {process.Url.Port.ToString(CultureInfo.InvariantCulture)} for {process.Name} is in use: another exchange (or another program) holds it. " +
                    "Stop it, or start with another --base-port.");
            }
        }
    }

    private static PartnerManifest Partner(ExchangeTopology topology, PartnerApplication partner)
    {
        var reviewer = ExchangeTopology.ReviewerClient(partner.Id);
        var officer = ExchangeTopology.PrivacyOfficer(partner.Id);
        return new PartnerManifest(
            partner.Id,
            partner.Name,
            DomainNames.ToName(partner.Domain),
            topology.Pki.ClientCertificatePath(partner.Id),
            topology.Pki.ClientKeyPath(partner.Id),
            partner.Id,
            ExchangeScopes.Partner,
            new ClientManifest(reviewer, topology.Pki.ClientCertificatePath(reviewer), topology.Pki.ClientKeyPath(reviewer), [ExchangeScopes.LedgerReview]),
            new ConsoleUserManifest(officer, topology.ConsolePassword(officer)));
    }

    /// <summary>TLS that trusts only the exchange CA, presenting the first demo partner's certificate (the gateway admits partners only).</summary>
    private static SocketsHttpHandler MutualTls(ExchangeTopology topology) =>
        HealthProbe.MutualTls(
            topology.Pki.LoadCaCertificate(),
            X509Certificate2.CreateFromPemFile(topology.Pki.ClientCertificatePath(topology.Partners[0].Id), topology.Pki.ClientKeyPath(topology.Partners[0].Id)));
}
