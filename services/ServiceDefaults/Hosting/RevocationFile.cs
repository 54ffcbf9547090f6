using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Pki;

namespace Exchange.ServiceDefaults.Hosting;

/// <summary>
/// The CRL file published by the exchange CA, re-read whenever it changes on disk, so that a
/// revocation takes effect on the next handshake without a restart. When the list cannot be read,
/// does not verify or is out of date, every certificate is refused: an unknown revocation state
/// must not look like "nothing revoked".
/// </summary>
public sealed class RevocationFile(string path, X509Certificate2 issuer, TimeProvider time)
{
    private readonly Lock _gate = new();
    private (DateTime Written, long Length, RevocationList? List, string? Error) _current = (DateTime.MinValue, -1, null, null);

    public string Path { get; } = path;

    /// <summary>Null when the certificate is not revoked; otherwise why it is refused.</summary>
    public string? Check(X509Certificate2 certificate)
    {
        var (list, error) = Current();
        if (list is null)
        {
            return "revocation status unknown: " + error;
        }

        return list.IsRevoked(certificate) ? "certificate is revoked" : null;
    }

    private (RevocationList? List, string? Error) Current()
    {
        var info = new FileInfo(Path);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var written = info.Exists ? info.LastWriteTimeUtc : DateTime.MinValue;
            var length = info.Exists ? info.Length : -1;
            var stale = _current.List?.NextUpdate is { } next && next < now;
            if (written != _current.Written || length != _current.Length || stale)
            {
                _current = Read(written, length, now);
            }

            return (_current.List, _current.Error);
        }
    }

    private (DateTime, long, RevocationList?, string?) Read(DateTime written, long length, DateTimeOffset now)
    {
        if (length < 0)
        {
            return (written, length, null, $"no CRL at {Path}");
        }

        try
        {
            return (written, length, RevocationList.Load(Path, issuer, now), null);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or FormatException or ArgumentException)
        {
            return (written, length, null, exception.Message);
        }
    }
}
