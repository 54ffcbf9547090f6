using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;

namespace Exchange.Cli.Pki;

/// <summary>
/// <c>exchange pki init|issue-server|issue-client|revoke|crl</c>: the development CA the launcher and the
/// tests use, in the same directory layout (<see cref="PkiDirectory"/>, by default <c>.exchange/pki</c>), so
/// an integrator can issue a partner certificate or revoke one while the local exchange runs: the gateway
/// and the identity service read the new CRL on their next handshake. Exit codes: 0 done, 1 refused.
/// </summary>
public static class PkiCommand
{
    public const int Success = 0;
    public const int Refused = 1;

    public static Command Create()
    {
        var pki = new Command("pki", "Run the development CA: issue and revoke certificates, publish the CRL");
        pki.Subcommands.Add(InitCommand());
        pki.Subcommands.Add(IssueServerCommand());
        pki.Subcommands.Add(IssueClientCommand());
        pki.Subcommands.Add(RevokeCommand());
        pki.Subcommands.Add(CrlCommand());
        return pki;
    }

    /// <summary>Creates the CA and an empty CRL, unless the directory already has a CA.</summary>
    public static int Init(string directory, string name, TextWriter output)
    {
        var pki = new PkiDirectory(directory);
        var created = pki.Initialise(name);
        output.WriteLine(created ? $"created CA {pki.CaCertificatePath}" : $"CA exists: {pki.CaCertificatePath}");
        output.WriteLine($"CRL: {pki.RevocationListPath}");
        return Success;
    }

    /// <summary>Issues a TLS server certificate for loopback names and addresses (and any given).</summary>
    public static int IssueServer(string directory, string name, IReadOnlyList<string> dnsNames, IReadOnlyList<string> addresses, bool replace, TextWriter output) =>
        Run(directory, output, pki =>
        {
            var ips = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
            foreach (var address in addresses)
            {
                if (!IPAddress.TryParse(address, out var ip))
                {
                    output.WriteLine($"not an IP address: {address}");
                    return Refused;
                }

                ips.Add(ip);
            }

            using var certificate = pki.IssueServer(name, ["localhost", .. dnsNames], ips, replace);
            Describe(certificate, pki.ServerCertificatePath(name), output);
            return Success;
        });

    /// <summary>
    /// Issues a partner client certificate: CN is the organisation id, which the gateway reads as the caller.
    /// <paramref name="system"/> names a further system of the same organisation (its own key and files).
    /// </summary>
    public static int IssueClient(string directory, string organisationId, string organisationName, string? system, bool replace, TextWriter output) =>
        Run(directory, output, pki =>
        {
            using var certificate = pki.IssueClient(organisationId, organisationName, system, replace);
            Describe(certificate, pki.ClientCertificatePath(system ?? organisationId), output);
            return Success;
        });

    /// <summary>Revokes a partner system's certificate (by organisation id or system name) and publishes the CRL.</summary>
    public static int Revoke(string directory, string name, TextWriter output) =>
        Run(directory, output, pki =>
        {
            var path = File.Exists(pki.ClientCertificatePath(name)) ? pki.ClientCertificatePath(name) : pki.ServerCertificatePath(name);
            if (!File.Exists(path))
            {
                output.WriteLine($"no certificate named '{name}' in {pki.Root}");
                return Refused;
            }

            using var certificate = PemFiles.ReadCertificate(path);
            var revoked = pki.Revoke(certificate);
            output.WriteLine($"revoked {revoked.Subject} (serial {revoked.SerialNumber}) at {revoked.RevokedAt.ToString("u", CultureInfo.InvariantCulture)}");
            output.WriteLine($"CRL: {pki.RevocationListPath} ({pki.Revoked.Count} revoked)");
            return Success;
        });

    /// <summary>Publishes a fresh CRL (relying parties refuse one past its next update).</summary>
    public static int Crl(string directory, int days, TextWriter output) =>
        Run(directory, output, pki =>
        {
            if (days is < 1 or > 365)
            {
                output.WriteLine("--days must be between 1 and 365");
                return Refused;
            }

            pki.PublishRevocationList(TimeSpan.FromDays(days));
            output.WriteLine($"CRL: {pki.RevocationListPath} ({pki.Revoked.Count} revoked), valid {days} days");
            return Success;
        });

    private static int Run(string directory, TextWriter output, Func<PkiDirectory, int> action)
    {
        var pki = new PkiDirectory(directory);
        if (!pki.IsInitialised)
        {
            output.WriteLine($"no CA in {pki.Root}; run `exchange pki init` first");
            return Refused;
        }

        try
        {
            return action(pki);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException or IOException)
        {
            output.WriteLine(exception.Message);
            return Refused;
        }
    }

    /// <summary>What a registration needs: the file, the subject, and the SHA-256 thumbprint tokens are bound to.</summary>
    private static void Describe(X509Certificate2 certificate, string path, TextWriter output)
    {
        output.WriteLine($"{certificate.Subject}");
        output.WriteLine($"  certificate  {path}");
        output.WriteLine($"  key          {Path.ChangeExtension(path, ".key")}");
        output.WriteLine($"  serial       {certificate.SerialNumber}");
        output.WriteLine($"  valid until  {certificate.NotAfter.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)}");
        output.WriteLine($"  sha-256      {PemFiles.Thumbprint(certificate)}");
    }

    private static Option<string> DirectoryOption() => new("--dir")
    {
        Description = "The PKI directory",
        DefaultValueFactory = _ => Path.Combine(".exchange", "pki"),
    };

    private static Command InitCommand()
    {
        var directory = DirectoryOption();
        var name = new Option<string>("--name") { Description = "The CA's name", DefaultValueFactory = _ => "Need-to-Know Exchange development CA" };
        var command = new Command("init", "Create the CA and an empty CRL") { directory, name };
        command.SetAction(result => Init(result.GetValue(directory)!, result.GetValue(name)!, result.InvocationConfiguration.Output));
        return command;
    }

    private static Command IssueServerCommand()
    {
        var directory = DirectoryOption();
        var name = new Argument<string>("name") { Description = "e.g. gateway, identity" };
        var dns = new Option<string[]>("--dns") { Description = "Extra DNS names", AllowMultipleArgumentsPerToken = true };
        var ip = new Option<string[]>("--ip") { Description = "Extra IP addresses", AllowMultipleArgumentsPerToken = true };
        var replace = new Option<bool>("--replace") { Description = "Issue a new certificate even if one exists" };
        var command = new Command("issue-server", "Issue a TLS server certificate") { directory, name, dns, ip, replace };
        command.SetAction(result => IssueServer(
            result.GetValue(directory)!, result.GetValue(name)!, result.GetValue(dns) ?? [], result.GetValue(ip) ?? [], result.GetValue(replace), result.InvocationConfiguration.Output));
        return command;
    }

    private static Command IssueClientCommand()
    {
        var directory = DirectoryOption();
        var organisation = new Argument<string>("organisation") { Description = "The organisation id, e.g. vt-mwb (the certificate's CN)" };
        var name = new Option<string>("--name") { Description = "The organisation's name", Required = true };
        var system = new Option<string?>("--system") { Description = "Another system of the organisation, e.g. vt-mwb-fg" };
        var replace = new Option<bool>("--replace") { Description = "Issue a new certificate even if one exists" };
        var command = new Command("issue-client", "Issue a partner client certificate") { directory, organisation, name, system, replace };
        command.SetAction(result => IssueClient(
            result.GetValue(directory)!, result.GetValue(organisation)!, result.GetValue(name)!, result.GetValue(system), result.GetValue(replace), result.InvocationConfiguration.Output));
        return command;
    }

    private static Command RevokeCommand()
    {
        var directory = DirectoryOption();
        var name = new Argument<string>("name") { Description = "The organisation id or system name of the certificate" };
        var command = new Command("revoke", "Revoke a certificate and publish the CRL") { directory, name };
        command.SetAction(result => Revoke(result.GetValue(directory)!, result.GetValue(name)!, result.InvocationConfiguration.Output));
        return command;
    }

    private static Command CrlCommand()
    {
        var directory = DirectoryOption();
        var days = new Option<int>("--days") { Description = "How long the CRL stays current", DefaultValueFactory = _ => 30 };
        var command = new Command("crl", "Publish a fresh CRL") { directory, days };
        command.SetAction(result => Crl(result.GetValue(directory)!, result.GetValue(days), result.InvocationConfiguration.Output));
        return command;
    }
}
