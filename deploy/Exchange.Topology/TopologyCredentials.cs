using System.Net;
using System.Security.Cryptography;
using Exchange.Ledger.Checkpoints;
using Exchange.Registry.Client.Administration;

namespace Exchange.Topology;

/// <summary>
/// The development CA, certificates and secrets an exchange's topology needs, created on the first start and reused
/// after, so that data written in one run (encrypted, pseudonymised, signed) stays readable in the next. The PKI has
/// the layout of <c>exchange pki</c>, so certificates can be issued or revoked with the command line while it runs.
/// </summary>
public static class TopologyCredentials
{
    public static void Ensure(ExchangeTopology topology, string caName = "Need-to-Know Exchange local development CA")
    {
        Directory.CreateDirectory(topology.Secrets);
        WriteSecretOnce(topology.PseudonymKeyFile, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var pki = topology.Pki;
        pki.Initialise(caName);
        IPAddress[] loopback = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        foreach (var process in topology.Processes.Where(p => p.ServesTls))
        {
            pki.IssueServer(process.Name, ["localhost"], loopback).Dispose();
        }

        // Each process's own client certificate, for its internal calls (CN: the exchange's management organisation).
        foreach (var process in topology.Processes.Where(p => p.CallsInternally))
        {
            pki.IssueClient(RegistryAdministrators.OrganisationId, RegistryAdministrators.OrganisationName, ExchangeTopology.ServiceClient(process)).Dispose();
        }

        foreach (var administrator in RegistryAdministrators.LocalClients)
        {
            pki.IssueClient(RegistryAdministrators.OrganisationId, RegistryAdministrators.OrganisationName, administrator).Dispose();
        }

        foreach (var partner in topology.Partners)
        {
            pki.IssueClient(partner.Id, partner.Name).Dispose();
            pki.IssueClient(partner.Id, partner.Name + ", functionaris gegevensbescherming", ExchangeTopology.ReviewerClient(partner.Id)).Dispose();
            WriteSecretOnce(
                topology.ConsolePassword(ExchangeTopology.PrivacyOfficer(partner.Id)), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));
        }

        if (topology.Find(ExchangePart.Policy) is not null)
        {
            // The ledger would create its key on its first start; creating it here lets the console (and a test) trust it beforehand.
            NoteSigner.LoadOrCreate(topology.LedgerSigningKey, topology.LedgerOrigin).Dispose();
        }

        // A fresh CRL on every start: relying parties refuse one past its next update.
        pki.PublishRevocationList();
    }

    /// <summary>The pseudonym key the topology's services share (32 bytes).</summary>
    public static byte[] PseudonymKey(ExchangeTopology topology) => Convert.FromBase64String(File.ReadAllText(topology.PseudonymKeyFile).Trim());

    private static void WriteSecretOnce(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, create());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
