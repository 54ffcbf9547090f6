using Exchange.Client.Local;
using System.Reflection;

namespace Exchange.Local.Launcher;

/// <summary>Where the local exchange keeps its files: everything under .exchange/ in the repository (git-ignored).</summary>
public sealed record LocalLayout(string RepositoryRoot, string DataRoot, int BasePort)
{
    /// <summary>The gateway's per-partner rate (calls per second); null keeps the gateway's default.</summary>
    public int? PartnerRate { get; init; }

    public string Pki => Path.Combine(DataRoot, "pki");

    public string Secrets => Path.Combine(DataRoot, "secrets");

    public string Data => Path.Combine(DataRoot, "data");

    public string Logs => Path.Combine(DataRoot, "logs");

    public string Manifest => Path.Combine(DataRoot, "local.json");

    public string PartnerFiles => Path.Combine(RepositoryRoot, "deploy", "partners");

    public string PolicyBundle => Path.Combine(RepositoryRoot, "policies");

    public string CaCertificate => Path.Combine(Pki, "ca.pem");

    public string CaKey => Path.Combine(Pki, "ca.key");

    public string PseudonymKey => Path.Combine(Secrets, "pseudonym.key");

    /// <summary>The CRL the gateway and the identity service check client certificates against.</summary>
    public string RevocationList => Path.Combine(Pki, "crl.pem");

    /// <summary>The identity service's signing keys (they rotate) and its database.</summary>
    public string IdentityKeys => Path.Combine(Secrets, "identity-keys");

    public string IdentityDatabase => Path.Combine(Data, "identity", "identity.db");

    /// <summary>A privacy officer's initial console password (development only).</summary>
    public string ConsolePassword(string userName) => Path.Combine(Secrets, "console-users", userName + ".txt");

    public string ServerCertificate(string name) => Path.Combine(Pki, name + ".pem");

    public string ServerKey(string name) => Path.Combine(Pki, name + ".key");

    /// <summary>A partner system's client certificate: its case system by organisation id, others by their client id.</summary>
    public string PartnerCertificate(string id) => Path.Combine(Pki, "partners", id + ".pem");

    public string PartnerKey(string id) => Path.Combine(Pki, "partners", id + ".key");

    /// <summary>The client id of an organisation's privacy officers' system, which may review the ledger.</summary>
    public static string ReviewerClient(string organisationId) => organisationId + "-fg";

    /// <summary>The console user name of an organisation's privacy officer (functionaris gegevensbescherming).</summary>
    public static string PrivacyOfficer(string organisationId) => "fg." + organisationId;

    public Uri Url(string scheme, int offset) => new($"{scheme}://127.0.0.1:{BasePort + offset}");

    /// <summary>The built assembly of a service, in the configuration the launcher itself was built in.</summary>
    public string Assembly(string projectDirectory, string assemblyName)
    {
        var configuration = typeof(LocalLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";
        return Path.Combine(RepositoryRoot, projectDirectory, "bin", configuration, "net10.0", assemblyName + ".dll");
    }

    /// <summary>The repository root: where Exchange.sln is, searched upwards from the working directory.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Exchange.sln")))
            {
                return directory.FullName;
            }
        }

        return typeof(LocalLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value?.TrimEnd('/')
            ?? throw new InvalidOperationException("Run the launcher inside the repository (Exchange.sln not found).");
    }
}
