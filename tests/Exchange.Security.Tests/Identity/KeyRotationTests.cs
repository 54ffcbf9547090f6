using System.Security.Cryptography;
using Exchange.ServiceDefaults.Errors;
using Exchange.ServiceDefaults.Security;
using Exchange.Testing;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Exchange.Security.Tests.Identity;

/// <summary>
/// Key rotation as the gateway and the services live through it: the real identity service rotating every
/// few seconds, the real validator they all use. Tokens signed before and after the rotation both hold.
/// </summary>
public sealed class KeyRotationTests
{
    [Fact]
    public async Task Tokens_signed_before_and_after_a_key_rotation_are_both_accepted()
    {
        using var pki = new TestPki();
        await using var identity = await TestIdentity.StartAsync(pki, TestPartner.Demo, new Dictionary<string, string?>
        {
            ["Identity:SigningKeyRotation"] = "00:00:04",
            ["Identity:SigningKeyOverlap"] = "00:01:00",
            ["Identity:AccessTokenLifetime"] = "00:00:30",
            ["Identity:KeyCheckInterval"] = "00:00:01",
        });
        using var tokens = identity.TokenClient("vt-mwb");
        using var validator = Validator(pki, identity);
        var thumbprint = pki.ClientCertificate("vt-mwb").GetCertHash(HashAlgorithmName.SHA256);
        var cancellation = TestContext.Current.CancellationToken;

        var before = (await tokens.RequestAsync(cancellation)).AccessToken;
        Assert.NotNull((await validator.ValidateAsync("Bearer " + before, thumbprint, cancellation)).Caller);

        var after = before;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (KeyId(after) == KeyId(before) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, cancellation);
            after = (await tokens.RequestAsync(cancellation)).AccessToken;
        }

        Assert.NotEqual(KeyId(before), KeyId(after));
        // The first token signed with the new key is accepted at once: the validator reads the keys before it judges
        // a token whose key id it has not seen, rather than refusing it until a background refresh has run.
        var accepted = (await validator.ValidateAsync("Bearer " + after, thumbprint, cancellation)).Caller;
        Assert.NotNull(accepted);
        Assert.NotNull((await validator.ValidateAsync("Bearer " + before, thumbprint, cancellation)).Caller);
    }

    [Fact]
    public async Task When_the_signing_keys_cannot_be_had_every_token_is_refused_as_unavailable()
    {
        using var pki = new TestPki();
        var nowhere = new Uri($"https://127.0.0.1:{FreePorts.Next()}/");
        using var validator = new AccessTokenValidator(
            Options.Create(new TokenOptions { Issuer = nowhere, IssuerCaPath = pki.CaPath }), NullLogger<AccessTokenValidator>.Instance);

        var check = await validator.ValidateAsync("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", new byte[32], TestContext.Current.CancellationToken);

        Assert.Null(check.Caller);
        Assert.Equal((StatusCode.Unavailable, ReasonCodes.IdentityUnavailable), (check.Denial!.Code, check.Denial.Reason));
    }

    private static AccessTokenValidator Validator(TestPki pki, TestIdentity identity) => new(
        Options.Create(new TokenOptions { Issuer = identity.Issuer, IssuerCaPath = pki.CaPath, UnknownKeyRefreshInterval = TimeSpan.FromSeconds(1) }),
        NullLogger<AccessTokenValidator>.Instance);

    private static string KeyId(string token) => new JsonWebToken(token).Kid;
}
