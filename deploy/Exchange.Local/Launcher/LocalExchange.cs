using Exchange.Client.Local;
using System.Security.Cryptography.X509Certificates;
using Exchange.ServiceDefaults.Security;

namespace Exchange.Local.Launcher;

/// <summary>Starts every service of the exchange as a process, waits until all are healthy, and stops them together.</summary>
public sealed class LocalExchange(LocalLayout layout, TextWriter output) : IAsyncDisposable
{
    private readonly List<ChildProcess> _processes = [];

    public async Task<LocalManifest> StartAsync(CancellationToken cancellationToken)
    {
        var partners = PartnerFile.LoadDirectory(layout.PartnerFiles);
        LocalSecrets.Ensure(layout, partners);
        var plan = ServicePlan.Build(layout, partners);

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

    /// <summary>Completes when any service stops on its own: the exchange is then no longer whole.</summary>
    public async Task<ChildProcess> AnyExitedAsync() =>
        _processes[Array.IndexOf([.. _processes.Select(p => p.Exited)], await Task.WhenAny(_processes.Select(p => p.Exited)))];

    public async ValueTask DisposeAsync()
    {
        // The gateway first, so no new calls arrive while the services behind it stop.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].DisposeAsync();
        }

        _processes.Clear();
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
