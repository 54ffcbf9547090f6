using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Client;
using Exchange.Client.Local;
using Exchange.Contracts.Registry.V1;
using Grpc.Net.Client;

namespace Exchange.Cli.Partner;

/// <summary>The registry could not be reached or the administrator's credentials could not be read.</summary>
public sealed class ConnectionException(string message) : Exception(message);

/// <summary>
/// How <c>exchange partner</c> reaches the registry as an administrator: its own client certificate and a token
/// bound to it (scope <c>exchange.registry.admin</c>) from the identity service, over mutual TLS to the registry.
/// By default everything comes from the local exchange's <c>.exchange/local.json</c> (<c>--as</c> picks one of
/// its two administrators); against another exchange every part is given as an option.
/// </summary>
public sealed class ConnectionOptions
{
    public Option<string> Local { get; } = new("--local")
    {
        Description = "The local exchange's manifest (written by the launcher)",
        DefaultValueFactory = _ => Path.Combine(".exchange", "local.json"),
        Recursive = true,
    };

    public Option<string?> As { get; } = new("--as") { Description = "The administrator's client id (default: the manifest's first administrator)", Recursive = true };

    public Option<Uri?> Registry { get; } = UrlOption.Create("--registry", "The registry's https URL (instead of --local)", recursive: true);

    public Option<Uri?> Issuer { get; } = UrlOption.Create("--issuer", "The identity service's issuer URL (with --registry)", recursive: true);

    public Option<FileInfo?> Ca { get; } = new("--ca") { Description = "The exchange CA certificate, PEM (with --registry)", Recursive = true };

    public Option<FileInfo?> Certificate { get; } = new("--certificate") { Description = "The administrator's client certificate, PEM (with --registry)", Recursive = true };

    public Option<FileInfo?> Key { get; } = new("--key") { Description = "The administrator's private key, PEM (with --registry)", Recursive = true };

    public Option<string?> ClientId { get; } = new("--client-id") { Description = "The administrator's client id (with --registry)", Recursive = true };

    public IEnumerable<Option> All => [Local, As, Registry, Issuer, Ca, Certificate, Key, ClientId];

    public RegistryConnection Open(ParseResult parse)
    {
        if (parse.GetValue(Registry) is { } registry)
        {
            var issuer = parse.GetValue(Issuer) ?? throw new ConnectionException("--registry needs --issuer, --ca, --certificate, --key and --client-id.");
            var ca = Required(parse.GetValue(Ca), "--ca");
            var certificate = Required(parse.GetValue(Certificate), "--certificate");
            var key = Required(parse.GetValue(Key), "--key");
            var clientId = parse.GetValue(ClientId) ?? throw new ConnectionException("--registry needs --client-id.");
            return RegistryConnection.Open(registry, issuer, ca.FullName, certificate.FullName, key.FullName, clientId, null);
        }

        var path = parse.GetValue(Local)!;
        if (!File.Exists(path))
        {
            throw new ConnectionException($"No local exchange at {Path.GetFullPath(path)}: start it (dotnet run --project deploy/Exchange.Local), or give --registry and the administrator's credentials.");
        }

        var manifest = LocalManifest.Read(path);
        var registryManifest = manifest.Registry ?? throw new ConnectionException($"{path} names no registry: restart the local exchange with this version.");
        var wanted = parse.GetValue(As);
        var administrator = wanted is null
            ? (registryManifest.Administrators.Count > 0 ? registryManifest.Administrators[0] : null)
            : registryManifest.Administrators.FirstOrDefault(a => a.ClientId == wanted);
        if (administrator is null)
        {
            throw new ConnectionException($"{path} has no registry administrator '{wanted}'; it has: {string.Join(", ", registryManifest.Administrators.Select(a => a.ClientId))}.");
        }

        return RegistryConnection.Open(new Uri(registryManifest.Url), new Uri(manifest.Identity.Issuer), manifest.CaCertificate, administrator.Certificate, administrator.Key, administrator.ClientId, manifest);
    }

    /// <summary>The local exchange's manifest (for partners' credentials and the services' addresses), or null when there is none.</summary>
    public LocalManifest? ReadLocal(ParseResult parse) =>
        parse.GetValue(Local) is { } path && File.Exists(path) ? LocalManifest.Read(path) : null;

    private static FileInfo Required(FileInfo? file, string name) =>
        file is { Exists: true } ? file : throw new ConnectionException($"--registry needs {name} naming an existing file.");
}

/// <summary>An administrator's authenticated channel to the registry; dispose it when done.</summary>
public sealed class RegistryConnection : IDisposable
{
    private readonly PartnerTokenClient _tokens;
    private readonly GrpcChannel _channel;

    private RegistryConnection(PartnerTokenClient tokens, GrpcChannel channel, string administrator, LocalManifest? local, X509Certificate2 ca)
    {
        _tokens = tokens;
        _channel = channel;
        Administrator = administrator;
        Local = local;
        Ca = ca;
        Client = new RegistryService.RegistryServiceClient(channel);
    }

    public RegistryService.RegistryServiceClient Client { get; }

    /// <summary>The administrator's client id.</summary>
    public string Administrator { get; }

    /// <summary>The local exchange's manifest, when the connection came from it.</summary>
    public LocalManifest? Local { get; }

    public X509Certificate2 Ca { get; }

    public static RegistryConnection Open(Uri registry, Uri issuer, string caPath, string certificatePath, string keyPath, string clientId, LocalManifest? local)
    {
        X509Certificate2 ca;
        X509Certificate2 certificate;
        try
        {
            ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException)
        {
            throw new ConnectionException($"Cannot read the administrator's credentials ({exception.Message}).");
        }

        var tokens = new PartnerTokenClient(issuer, ca, certificate, clientId);
        return new RegistryConnection(tokens, PartnerChannel.Create(registry, ca, certificate, tokens), clientId, local, ca);
    }

    public void Dispose()
    {
        _channel.Dispose();
        _tokens.Dispose();
    }
}
