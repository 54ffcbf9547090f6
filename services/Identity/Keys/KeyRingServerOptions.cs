using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Exchange.Identity.Keys;

/// <summary>
/// Gives OpenIddict the ring's keys each time its options are built; the rotation service has them
/// rebuilt when the signing key changes. OpenIddict signs with the valid key that lives longest and
/// publishes all of them.
/// </summary>
public sealed class KeyRingServerOptions(SigningKeyRing ring) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        ring.Maintain();
        foreach (var key in ring.SigningKeys)
        {
            options.SigningCredentials.Add(new SigningCredentials(new X509SecurityKey(key), SecurityAlgorithms.RsaSha256));
        }

        options.EncryptionCredentials.Add(new EncryptingCredentials(ring.EncryptionKey, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
    }
}
