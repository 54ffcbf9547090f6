using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Pki;

/// <summary>
/// A development PKI kept as files in one directory: the CA, server certificates, partner client
/// certificates, the revocation register and the CRL published from it. The launcher, the tests and
/// <c>exchange pki</c> all use this layout, so a certificate issued by one is found by the others.
/// <code>
/// ca.pem ca.key              the CA
/// {server}.pem {server}.key  TLS server certificates (gateway, identity)
/// partners/{id}.pem .key     partner client certificates (CN = organisation id)
/// revoked.json               what has been revoked, and the last CRL number
/// crl.pem                    the signed CRL that the gateway and the identity service read
/// </code>
/// </summary>
public sealed class PkiDirectory(string root)
{
    /// <summary>How long a published CRL stays current; relying parties refuse it afterwards.</summary>
    public static readonly TimeSpan DefaultRevocationListValidity = TimeSpan.FromDays(30);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public string Root { get; } = Path.GetFullPath(root);

    public string CaCertificatePath => Path.Combine(Root, "ca.pem");

    public string CaKeyPath => Path.Combine(Root, "ca.key");

    public string RevocationListPath => Path.Combine(Root, "crl.pem");

    public string RegisterPath => Path.Combine(Root, "revoked.json");

    public bool IsInitialised => File.Exists(CaCertificatePath) && File.Exists(CaKeyPath);

    public string ServerCertificatePath(string name) => Path.Combine(Root, Safe(name) + ".pem");

    public string ServerKeyPath(string name) => Path.Combine(Root, Safe(name) + ".key");

    /// <summary>The client certificate file of a system, by its name (the organisation id for its main system).</summary>
    public string ClientCertificatePath(string name) => Path.Combine(Root, "partners", Safe(name) + ".pem");

    public string ClientKeyPath(string name) => Path.Combine(Root, "partners", Safe(name) + ".key");

    /// <summary>Creates the CA and an empty CRL unless they exist; returns whether it created them.</summary>
    public bool Initialise(string caName = "Need-to-Know Exchange development CA")
    {
        if (IsInitialised)
        {
            if (!File.Exists(RevocationListPath))
            {
                PublishRevocationList();
            }

            return false;
        }

        Directory.CreateDirectory(Root);
        using var ca = CertificateAuthority.Create(caName);
        PemFiles.Write(ca.Certificate, CaCertificatePath, CaKeyPath);
        PublishRevocationList();
        return true;
    }

    public CertificateAuthority OpenAuthority() =>
        IsInitialised
            ? CertificateAuthority.Load(CaCertificatePath, CaKeyPath)
            : throw new InvalidOperationException($"No CA in {Root}; run `exchange pki init` first.");

    /// <summary>The CA certificate without its key, as relying parties load it.</summary>
    public X509Certificate2 LoadCaCertificate() => PemFiles.ReadCertificate(CaCertificatePath);

    /// <summary>Issues a loopback TLS server certificate unless one exists (or <paramref name="replace"/>).</summary>
    public X509Certificate2 IssueServer(string name, IEnumerable<string>? dnsNames = null, IEnumerable<IPAddress>? addresses = null, bool replace = false)
    {
        if (!replace && File.Exists(ServerCertificatePath(name)))
        {
            return X509Certificate2.CreateFromPemFile(ServerCertificatePath(name), ServerKeyPath(name));
        }

        using var ca = OpenAuthority();
        var certificate = ca.IssueServer(name, dnsNames ?? ["localhost"], addresses ?? [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        PemFiles.Write(certificate, ServerCertificatePath(name), ServerKeyPath(name));
        return certificate;
    }

    /// <summary>
    /// Issues a client certificate for an organisation (CN = <paramref name="organisationId"/>) unless one
    /// exists (or <paramref name="replace"/>). <paramref name="name"/> names the files when one organisation
    /// has more than one system, e.g. "vt-mwb-fg" for Veilig Thuis's privacy officers; it defaults to the id.
    /// </summary>
    public X509Certificate2 IssueClient(string organisationId, string organisationName, string? name = null, bool replace = false)
    {
        name ??= organisationId;
        if (!replace && File.Exists(ClientCertificatePath(name)))
        {
            return LoadClient(name);
        }

        using var ca = OpenAuthority();
        var certificate = ca.IssueClient(organisationId, organisationName);
        PemFiles.Write(certificate, ClientCertificatePath(name), ClientKeyPath(name));
        return certificate;
    }

    public X509Certificate2 LoadClient(string name) =>
        X509Certificate2.CreateFromPemFile(ClientCertificatePath(name), ClientKeyPath(name));

    /// <summary>Records the certificate as revoked and publishes a new CRL at once.</summary>
    public RevokedCertificate Revoke(X509Certificate2 certificate)
    {
        var register = ReadRegister();
        var serial = certificate.SerialNumber;
        var entry = register.Revoked.FirstOrDefault(r => r.SerialNumber == serial)
            ?? new RevokedCertificate(serial, DateTimeOffset.UtcNow, certificate.Subject);
        if (!register.Revoked.Contains(entry))
        {
            register = register with { Revoked = [.. register.Revoked, entry] };
            WriteRegister(register);
        }

        PublishRevocationList();
        return entry;
    }

    public IReadOnlyList<RevokedCertificate> Revoked => ReadRegister().Revoked;

    /// <summary>Signs and writes a new CRL with a higher number; relying parties pick it up when the file changes.</summary>
    public string PublishRevocationList(TimeSpan? validity = null)
    {
        var register = ReadRegister();
        register = register with { CrlNumber = register.CrlNumber + 1 };
        using var ca = OpenAuthority();
        var der = ca.IssueRevocationList(register.Revoked, register.CrlNumber, DateTimeOffset.UtcNow + (validity ?? DefaultRevocationListValidity));
        WriteRegister(register);
        var temporary = RevocationListPath + ".tmp";
        File.WriteAllText(temporary, PemEncoding.WriteString("X509 CRL", der) + "\n");
        File.Move(temporary, RevocationListPath, overwrite: true);
        return RevocationListPath;
    }

    private Register ReadRegister() =>
        File.Exists(RegisterPath)
            ? JsonSerializer.Deserialize<Register>(File.ReadAllText(RegisterPath), JsonOptions) ?? new Register()
            : new Register();

    private void WriteRegister(Register register)
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(RegisterPath, JsonSerializer.Serialize(register, JsonOptions));
    }

    /// <summary>Names become file names: nothing that could leave the directory.</summary>
    private static string Safe(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !name.StartsWith('.')
            ? name
            : throw new ArgumentException($"'{name}' is not a valid certificate name (letters, digits, '-', '_', '.').", nameof(name));

    private sealed record Register
    {
        [JsonPropertyName("crl_number")]
        public long CrlNumber { get; init; }

        [JsonPropertyName("revoked")]
        public IReadOnlyList<RevokedCertificate> Revoked { get; init; } = [];
    }
}
