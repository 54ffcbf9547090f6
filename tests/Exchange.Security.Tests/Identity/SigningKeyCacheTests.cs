using Exchange.ServiceDefaults.Security;
using Exchange.Security.Tests.Support;
using Microsoft.IdentityModel.Protocols;

namespace Exchange.Security.Tests.Identity;

/// <summary>When the validator reads the identity service's keys: on first use, when stale, and at once for a key it has not seen.</summary>
public sealed class SigningKeyCacheTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromHours(1);
    private static readonly TimeSpan UnknownKeyPause = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Keys_are_read_once_and_kept_until_they_are_stale()
    {
        var (identity, clock, cache) = Start();

        await cache.GetAsync(TestContext.Current.CancellationToken);
        await cache.GetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, identity.Reads);

        clock.Advance(Refresh);
        await cache.GetAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, identity.Reads);
    }

    [Fact]
    public async Task A_key_id_not_seen_before_reads_the_keys_before_the_token_is_judged()
    {
        var (identity, _, cache) = Start();
        Assert.Equal(["k1"], (await cache.GetAsync(TestContext.Current.CancellationToken)).JsonWebKeySet.Keys.Select(k => k.Kid));

        identity.KeyIds = ["k1", "k2"];
        var refreshed = await cache.RefreshForUnknownKeyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["k1", "k2"], refreshed!.JsonWebKeySet.Keys.Select(k => k.Kid));
        Assert.Equal(["k1", "k2"], (await cache.GetAsync(TestContext.Current.CancellationToken)).JsonWebKeySet.Keys.Select(k => k.Kid));
    }

    [Fact]
    public async Task Tokens_with_made_up_key_ids_read_the_keys_at_most_once_per_pause()
    {
        var (identity, clock, cache) = Start();
        await cache.GetAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(await cache.RefreshForUnknownKeyAsync(TestContext.Current.CancellationToken));
        Assert.Null(await cache.RefreshForUnknownKeyAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, identity.Reads);

        clock.Advance(UnknownKeyPause);
        Assert.NotNull(await cache.RefreshForUnknownKeyAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, identity.Reads);
    }

    [Fact]
    public async Task While_the_identity_service_is_down_the_keys_already_read_stay_in_use()
    {
        var (identity, clock, cache) = Start();
        await cache.GetAsync(TestContext.Current.CancellationToken);

        identity.Down = true;
        clock.Advance(Refresh);

        Assert.Equal(["k1"], (await cache.GetAsync(TestContext.Current.CancellationToken)).JsonWebKeySet.Keys.Select(k => k.Kid));
    }

    [Fact]
    public async Task Without_keys_read_before_an_unreachable_identity_service_is_an_error()
    {
        var (identity, _, cache) = Start();
        identity.Down = true;

        await Assert.ThrowsAnyAsync<IOException>(() => cache.GetAsync(TestContext.Current.CancellationToken));
    }

    private static (FakeIdentity Identity, ManualClock Clock, SigningKeyCache Cache) Start()
    {
        var identity = new FakeIdentity();
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        return (identity, clock, new SigningKeyCache(FakeIdentity.Discovery, identity, Refresh, UnknownKeyPause, clock));
    }

    /// <summary>A discovery document and key set as the identity service serves them, counting the times they are read.</summary>
    private sealed class FakeIdentity : IDocumentRetriever
    {
        public const string Discovery = "https://identity.test/.well-known/openid-configuration";
        private const string Keys = "https://identity.test/.well-known/jwks";

        public string[] KeyIds { get; set; } = ["k1"];

        public bool Down { get; set; }

        public int Reads { get; private set; }

        public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
        {
            if (Down)
            {
                throw new IOException("identity service unreachable");
            }

            if (address == Discovery)
            {
                Reads++;
                return Task.FromResult($$"""{"issuer":"https://identity.test/","jwks_uri":"{{Keys}}"}""");
            }

            var keys = string.Join(',', KeyIds.Select(kid => $$"""{"kty":"EC","crv":"P-256","kid":"{{kid}}","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"""));
            return Task.FromResult($$"""{"keys":[{{keys}}]}""");
        }
    }
}
