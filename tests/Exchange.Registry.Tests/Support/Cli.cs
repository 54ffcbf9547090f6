using System.CommandLine;
using Exchange.Cli.Partner;
using Exchange.Client.Local;
using Exchange.Registry.Client.Administration;
using Exchange.Testing;

namespace Exchange.Registry.Tests.Support;

/// <summary>
/// <c>exchange partner …</c> as an integrator types it, against the fixture's registry, reached through a local.json
/// like the launcher writes (the registry, the CA, the identity service, the two administrators).
/// </summary>
public sealed class Cli : IDisposable
{
    private readonly TempDirectory _directory = new("exchange-cli");

    public Cli(RegistryFixture registry)
    {
        var administrators = new[] { RegistryFixture.First, RegistryFixture.Second }
            .Select(c => new ClientManifest(c, registry.Pki.ClientCertificatePath(c), registry.Pki.Directory.ClientKeyPath(c), ["exchange.registry.admin"]))
            .ToList();
        new LocalManifest(
            "https://127.0.0.1:1/", registry.Pki.CaPath,
            new IdentityManifest(registry.Identity.Issuer.ToString(), new Uri(registry.Identity.Issuer, "connect/token").ToString(), "exchange-api"),
            new Dictionary<string, string> { ["registry"] = registry.Registry.Address.ToString() },
            new LedgerManifest(string.Empty, string.Empty), [], _directory.Path, new Dictionary<string, int>())
        {
            Registry = new RegistryManifest(registry.Registry.Address.ToString(), administrators),
        }.Write(Manifest);
        Assert.Equal(RegistryAdministrators.LocalClients, administrators.Select(a => a.ClientId));
    }

    public string Directory => _directory.Path;

    public string Manifest => _directory.File("local.json");

    /// <summary>Runs <c>exchange partner ARGS --local local.json</c>; the exit code and everything it printed.</summary>
    public async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var root = new RootCommand { PartnerCommand.Create() };
        var exit = await root.Parse(["partner", .. args, "--local", Manifest]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, TestContext.Current.CancellationToken);
        return (exit, output.ToString());
    }

    public void Dispose() => _directory.Dispose();
}
