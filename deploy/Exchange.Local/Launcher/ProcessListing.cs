using System.Text.Json;
using Exchange.Pki;
using Exchange.ServiceDefaults.Hosting;
using Exchange.Topology;

namespace Exchange.Local.Launcher;

/// <summary>
/// <c>--list-processes</c>: the processes of the exchange as the one typed topology describes them, as JSON, for
/// what describes the same exchange elsewhere (deploy/kubernetes is checked against it in test.sh: a Deployment per
/// process, the configuration sections each process is given, the domains each domain service serves). Read-only:
/// nothing is started and nothing under the data folder is touched.
/// </summary>
public static class ProcessListing
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string repositoryRoot, TextWriter output)
    {
        // The console's settings create the ledger's verifier key where the topology keeps secrets: a scratch folder.
        var scratch = Directory.CreateTempSubdirectory("exchange-list-");
        try
        {
            // A PostgreSQL connection string: list the sections of the production stores, not the SQLite defaults.
            var topology = ExchangeTopology.OnLoopback(repositoryRoot, scratch.FullName, new PkiDirectory(Path.Combine(scratch.FullName, "pki")), ExchangeTopology.Offset)
                with { Postgres = "Host=postgres" };
            var processes = topology.StartOrder.Select(process =>
            {
                var configuration = topology.For(process);
                var endpoint = configuration.Get<EndpointOptions>(EndpointOptions.Section);
                return new
                {
                    name = process.Name,
                    runByOperator = process.RunByOperator,
                    part = process.Part.ToString(),
                    assembly = process.AssemblyName,
                    tls = process.IsHttps,
                    clientCertificate = endpoint.RequireClientCertificate ? "required" : endpoint.ClientCaPath is null ? "none" : "optional",
                    domains = process.Domains.Select(d => d.ToString()).ToArray(),
                    sections = configuration.Sections.Select(s => s.Section).ToArray(),
                };
            });
            output.WriteLine(JsonSerializer.Serialize(new { processes }, Indented));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
