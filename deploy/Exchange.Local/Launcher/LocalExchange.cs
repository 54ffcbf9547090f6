using Exchange.Client.Local;
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
        var partners = PartnerFile.LoadDirectory(layout.PartnerFiles);
        LocalSecrets.Ensure(layout, partners);
        var plan = ServicePlan.Build(layout, partners);
        RequireFreePorts(plan);

        foreach (var spec in plan)
        {
            var process = ChildProcess.Start(
                spec.Name,
                layout.Assembly(spec.ProjectDirectory, spec.AssemblyName),
                spec.Environment,
                Path.Combine(layout.Logs, spec.Name + ".log"));
            _processes.Add(process);
            var handler = spec.Url.Scheme == Uri.UriSchemeHttps ? GatewayHandler(partners[0]) : null;
            await HealthProbe.WaitAsync(process, spec.Url, handler, TimeSpan.FromSeconds(60), cancellationToken);
            await output.WriteLineAsync($"  {spec.Name,-16} {spec.Url}");
        }

        var issuer = ServicePlan.Identity(layout);
        var manifest = new LocalManifest(
            ServicePlan.Gateway(layout).ToString(),
            layout.CaCertificate,
            new IdentityManifest(issuer.ToString(), new Uri(issuer, "connect/token").ToString(), ExchangeClaims.ApiAudience),
            plan.ToDictionary(s => s.Name, s => s.Url.ToString()),
            new LedgerManifest(plan.Single(s => s.Name == "policy").Environment["Ledger__SqlitePath"], plan.Single(s => s.Name == "policy").Environment["Ledger__SigningKeyPath"]),
            [.. partners.Select(p => Partner(p))],
            layout.Logs,
            _processes.ToDictionary(p => p.Name, p => p.Id))
        {
            Registry = ServicePlan.RegistryManifest(layout),
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

    /// <summary>Refuses to start when any port of the plan is taken, e.g. by services a crashed launcher left behind.</summary>
    private static void RequireFreePorts(IEnumerable<ServiceSpec> plan)
    {
        foreach (var spec in plan)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, spec.Url.Port);
                listener.Start();
            }
            catch (SocketException)
            {
                throw new InvalidOperationException(
                    $"Port {spec.Url.Port.ToString(CultureInfo.InvariantCulture)} for {spec.Name} is in use: another exchange (or another program) holds it. " +
                    "Stop it, or start with another --base-port.");
            }
        }
    }

    private PartnerManifest Partner(PartnerFile partner)
    {
        var reviewer = LocalLayout.ReviewerClient(partner.Id);
        var officer = LocalLayout.PrivacyOfficer(partner.Id);
        return new PartnerManifest(
            partner.Id,
            partner.Name,
            partner.Domain,
            layout.PartnerCertificate(partner.Id),
            layout.PartnerKey(partner.Id),
            partner.Id,
            ExchangeScopes.Partner,
            new ClientManifest(reviewer, layout.PartnerCertificate(reviewer), layout.PartnerKey(reviewer), [ExchangeScopes.LedgerReview]),
            new ConsoleUserManifest(officer, layout.ConsolePassword(officer)));
    }

    private SocketsHttpHandler GatewayHandler(PartnerFile partner) =>
        HealthProbe.MutualTls(
            X509CertificateLoader.LoadCertificateFromFile(layout.CaCertificate),
            X509Certificate2.CreateFromPemFile(layout.PartnerCertificate(partner.Id), layout.PartnerKey(partner.Id)));
}
