using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Exchange.ServiceDefaults.Security;

/// <summary>
/// The identity service's discovery document and signing keys, read when first needed, again when they are older
/// than the refresh interval, and at once when a token names a key id we have not seen. The read happens before
/// the token is judged: the first token signed after a key rotation is accepted, not refused until a background
/// refresh has run (which is what IdentityModel's own configuration manager does since 8.0).
/// </summary>
internal sealed class SigningKeyCache(
    string metadataAddress,
    IDocumentRetriever retriever,
    TimeSpan refreshInterval,
    TimeSpan unknownKeyRefreshInterval,
    TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _readAt;
    private DateTimeOffset _lastUnknownKeyRead = DateTimeOffset.MinValue;

    /// <summary>The keys we hold, read again first when they are stale. Throws when there are none to be had.</summary>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && time.GetUtcNow() - _readAt < refreshInterval)
        {
            return current;
        }

        return await ReadAsync(unknownKey: false, cancellationToken);
    }

    /// <summary>
    /// Reads the keys again because a token named a key id we do not hold, at most once per
    /// <c>unknownKeyRefreshInterval</c> so that tokens with made-up key ids cannot make us hammer the identity service.
    /// Returns null when the keys were read too recently to read them again.
    /// </summary>
    public async Task<OpenIdConnectConfiguration?> RefreshForUnknownKeyAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() - _lastUnknownKeyRead < unknownKeyRefreshInterval)
        {
            return null;
        }

        return await ReadAsync(unknownKey: true, cancellationToken);
    }

    private async Task<OpenIdConnectConfiguration> ReadAsync(bool unknownKey, CancellationToken cancellationToken)
    {
        var asked = time.GetUtcNow();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have read the keys while we waited: its read is as fresh as ours would be.
            if (_current is not null && _readAt >= asked && (!unknownKey || _lastUnknownKeyRead >= asked))
            {
                return _current;
            }

            if (unknownKey)
            {
                _lastUnknownKeyRead = time.GetUtcNow();
            }

            try
            {
                var read = await OpenIdConnectConfigurationRetriever.GetAsync(metadataAddress, retriever, cancellationToken);
                _readAt = time.GetUtcNow();
                Volatile.Write(ref _current, read);
                return read;
            }
            catch (Exception) when (_current is not null && !unknownKey)
            {
                // The identity service is down: the keys we hold stay good until it is back (tokens they signed
                // stay valid until they expire); we try again at the next call after a short pause.
                _readAt = time.GetUtcNow() - refreshInterval + unknownKeyRefreshInterval;
                return _current;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
