using System.Net;
using System.Security.Cryptography;
using Exchange.Pki;
using Exchange.Registry.Client.Administration;

namespace Exchange.Local.Launcher;

/// <summary>
/// The development CA, certificates and secrets, created on the first start and reused after, so
/// that data written in one run (encrypted, pseudonymised, signed) stays readable in the next. The
/// PKI has the layout of <c>exchange pki</c> (<see cref="PkiDirectory"/>), so certificates can be
/// issued or revoked with the command line while the exchange runs.
/// </summary>
public static class LocalSecrets
{
    public static void Ensure(LocalLayout layout, IReadOnlyList<PartnerFile> partners)
    {
        Directory.CreateDirectory(layout.Secrets);
        WriteSecretOnce(layout.PseudonymKey, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var pki = new PkiDirectory(layout.Pki);
        pki.Initialise("Need-to-Know Exchange local development CA");
        IPAddress[] loopback = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        pki.IssueServer("gateway", ["localhost"], loopback).Dispose();
        pki.IssueServer("identity", ["localhost"], loopback).Dispose();
        pki.IssueServer(ConsoleProcess.Name, ["localhost"], loopback).Dispose();
        pki.IssueServer("registry", ["localhost"], loopback).Dispose();
        foreach (var administrator in RegistryAdministrators.LocalClients)
        {
            pki.IssueClient(RegistryAdministrators.OrganisationId, RegistryAdministrators.OrganisationName, administrator).Dispose();
        }

        foreach (var partner in partners)
        {
            pki.IssueClient(partner.Id, partner.Name).Dispose();
            pki.IssueClient(partner.Id, partner.Name + ", functionaris gegevensbescherming", LocalLayout.ReviewerClient(partner.Id)).Dispose();
            WriteSecretOnce(layout.ConsolePassword(LocalLayout.PrivacyOfficer(partner.Id)), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));
        }

        // A fresh CRL on every start: relying parties refuse one past its next update.
        pki.PublishRevocationList();
    }

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
