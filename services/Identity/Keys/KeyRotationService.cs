using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Exchange.Identity.Keys;

/// <summary>
/// Checks the key ring on a timer; when the next key's turn has come, has OpenIddict rebuild its
/// options so that the new key signs from now on, without a restart.
/// </summary>
public sealed partial class KeyRotationService(
    SigningKeyRing ring,
    IOptionsMonitorCache<OpenIddictServerOptions> serverOptions,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<KeyRotationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeyCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (ring.Maintain())
                {
                    serverOptions.TryRemove(Options.DefaultName);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                // The current key keeps signing; the next check tries again.
                LogMaintenanceFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "Signing key maintenance failed; the current key keeps signing")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception);
}
