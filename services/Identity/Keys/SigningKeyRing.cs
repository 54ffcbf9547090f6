using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Exchange.Identity.Keys;

/// <summary>
/// The token signing keys, as self-signed certificates whose validity periods say when each key signs.
/// The next key is created, and so published in the JWKS, one rotation period before it starts signing,
/// so validators know it before they meet it; a key stays published for an overlap after it stops
/// signing, so tokens it signed stay valid until they expire. Expired keys are deleted.
/// <code>
/// key n     |---- signs ----|-- overlap --|
/// key n+1   ·published······|---- signs ----|-- overlap --|
/// </code>
/// </summary>
public sealed partial class SigningKeyRing(IOptions<IdentityOptions> options, TimeProvider time, ILogger<SigningKeyRing> logger)
{
    private const string SigningPrefix = "signing-";
    private readonly Lock _gate = new();
    private readonly IdentityOptions _options = options.Value;
    private IReadOnlyList<X509Certificate2> _keys = [];
    private string? _signing;
    private SymmetricSecurityKey? _encryption;

    /// <summary>Every published signing key, current and next, newest first.</summary>
    public IReadOnlyList<X509Certificate2> SigningKeys
    {
        get
        {
            lock (_gate)
            {
                return _keys;
            }
        }
    }

    /// <summary>The key that signs now: valid now, and the longest to live.</summary>
    public X509Certificate2 Current
    {
        get
        {
            var now = time.GetUtcNow();
            return SigningKeys.Where(k => IsValidAt(k, now)).MaxBy(k => k.NotAfter)
                ?? throw new InvalidOperationException("The key ring has no current signing key; call Maintain first.");
        }
    }

    /// <summary>Protects authorization codes and refresh tokens (never access tokens, which the API must read).</summary>
    public SymmetricSecurityKey EncryptionKey
    {
        get
        {
            lock (_gate)
            {
                return _encryption ?? throw new InvalidOperationException("The key ring is not loaded; call Maintain first.");
            }
        }
    }

    /// <summary>
    /// Brings the ring up to date: deletes expired keys, creates a current key when none is valid and the
    /// next one when none is waiting. Returns true when the key that signs changed.
    /// </summary>
    public bool Maintain()
    {
        lock (_gate)
        {
            Directory.CreateDirectory(_options.KeysDirectory);
            var now = time.GetUtcNow();
            var keys = Load();
            foreach (var expired in keys.Where(k => k.NotAfter.ToUniversalTime() < now.UtcDateTime).ToList())
            {
                Delete(expired);
                keys.Remove(expired);
            }

            var current = CurrentOf(keys, now);
            if (current is null)
            {
                current = Create(now.AddMinutes(-1));
                keys.Add(current);
            }

            if (!keys.Any(k => k.NotBefore.ToUniversalTime() > now.UtcDateTime))
            {
                var newest = keys.Max(k => new DateTimeOffset(k.NotBefore.ToUniversalTime()));
                var next = newest + _options.SigningKeyRotation;
                keys.Add(Create(next > now ? next : now + _options.SigningKeyRotation));
            }

            _keys = [.. keys.OrderByDescending(k => k.NotBefore)];
            _encryption ??= LoadEncryptionKey();
            var signing = CurrentOf(_keys, now)!.Thumbprint;
            if (signing == _signing)
            {
                return false;
            }

            if (_signing is not null)
            {
                LogRotated(logger, signing);
            }

            _signing = signing;
            return true;
        }
    }

    private static X509Certificate2? CurrentOf(IEnumerable<X509Certificate2> keys, DateTimeOffset now) =>
        keys.Where(k => IsValidAt(k, now)).MaxBy(k => k.NotAfter);

    private static bool IsValidAt(X509Certificate2 key, DateTimeOffset now) =>
        key.NotBefore.ToUniversalTime() <= now.UtcDateTime && now.UtcDateTime <= key.NotAfter.ToUniversalTime();

    private List<X509Certificate2> Load() =>
        [.. Directory.EnumerateFiles(_options.KeysDirectory, SigningPrefix + "*.pem")
            .Order(StringComparer.Ordinal)
            .Select(path => X509Certificate2.CreateFromPemFile(path, Path.ChangeExtension(path, ".key")))];

    private X509Certificate2 Create(DateTimeOffset notBefore)
    {
        notBefore = new DateTimeOffset(notBefore.Year, notBefore.Month, notBefore.Day, notBefore.Hour, notBefore.Minute, notBefore.Second, TimeSpan.Zero);
        // RSA in an X.509 certificate: the certificate's validity period is what OpenIddict orders keys by,
        // and IdentityModel signs with X.509 keys only when they are RSA.
        using var key = RSA.Create(3072);
        var request = new CertificateRequest("CN=Need-to-Know Exchange token signing", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var certificate = request.CreateSelfSigned(notBefore, notBefore + _options.SigningKeyRotation + _options.SigningKeyOverlap);
        var name = SigningPrefix + notBefore.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + certificate.Thumbprint[..8].ToLowerInvariant();
        var path = Path.Combine(_options.KeysDirectory, name);
        File.WriteAllText(path + ".pem", certificate.ExportCertificatePem());
        WriteSecret(path + ".key", key.ExportPkcs8PrivateKeyPem());
        LogCreated(logger, certificate.Thumbprint, notBefore);
        return X509Certificate2.CreateFromPemFile(path + ".pem", path + ".key");
    }

    private void Delete(X509Certificate2 key)
    {
        foreach (var path in Directory.EnumerateFiles(_options.KeysDirectory, SigningPrefix + "*.pem")
            .Where(p => PemFiles.ReadCertificate(p).Thumbprint == key.Thumbprint)
            .ToList())
        {
            File.Delete(path);
            File.Delete(Path.ChangeExtension(path, ".key"));
        }

        LogDeleted(logger, key.Thumbprint);
    }

    private SymmetricSecurityKey LoadEncryptionKey()
    {
        var path = Path.Combine(_options.KeysDirectory, "encryption.key");
        if (!File.Exists(path))
        {
            WriteSecret(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    private static void WriteSecret(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Created signing key {Thumbprint}, signing from {NotBefore:u}")]
    private static partial void LogCreated(ILogger logger, string thumbprint, DateTimeOffset notBefore);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Signing key {Thumbprint} now signs tokens")]
    private static partial void LogRotated(ILogger logger, string thumbprint);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Deleted expired signing key {Thumbprint}")]
    private static partial void LogDeleted(ILogger logger, string thumbprint);
}
