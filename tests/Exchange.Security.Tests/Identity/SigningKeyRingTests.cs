using Exchange.Identity;
using Exchange.Identity.Keys;
using Exchange.Security.Tests.Support;
using Exchange.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Exchange.Security.Tests.Identity;

/// <summary>Signing keys rotate: the next key is published before it signs, the last one stays until its tokens are gone.</summary>
public sealed class SigningKeyRingTests : IDisposable
{
    private static readonly TimeSpan Rotation = TimeSpan.FromDays(30);
    private static readonly TimeSpan Overlap = TimeSpan.FromDays(2);

    private readonly TempDirectory _directory = new("key-ring");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_new_ring_has_a_key_that_signs_and_the_next_one_already_published()
    {
        var ring = Ring();

        Assert.True(ring.Maintain());

        Assert.Equal(2, ring.SigningKeys.Count);
        var next = ring.SigningKeys.Single(k => k != ring.Current);
        Assert.True(next.NotBefore.ToUniversalTime() > _clock.GetUtcNow().UtcDateTime);
    }

    [Fact]
    public void When_its_turn_comes_the_published_key_signs_and_the_old_one_stays_published_for_the_overlap()
    {
        var ring = Ring();
        ring.Maintain();
        var first = ring.Current.Thumbprint;
        var second = ring.SigningKeys.Single(k => k.Thumbprint != first).Thumbprint;

        _clock.Advance(Rotation);
        var rotated = ring.Maintain();

        Assert.True(rotated);
        Assert.Equal(second, ring.Current.Thumbprint);
        Assert.Contains(ring.SigningKeys, k => k.Thumbprint == first);
        Assert.Equal(3, ring.SigningKeys.Count);
    }

    [Fact]
    public void A_key_is_deleted_once_its_overlap_is_over()
    {
        var ring = Ring();
        ring.Maintain();
        var first = ring.Current.Thumbprint;

        _clock.Advance(Rotation + Overlap + TimeSpan.FromMinutes(5));
        ring.Maintain();

        Assert.DoesNotContain(ring.SigningKeys, k => k.Thumbprint == first);
        Assert.DoesNotContain(Directory.GetFiles(_directory.Path, "*.pem"), f => f.Contains(first[..8], StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_restarted_service_signs_with_the_same_key_it_had()
    {
        var ring = Ring();
        ring.Maintain();

        var restarted = Ring();
        restarted.Maintain();

        Assert.Equal(ring.Current.Thumbprint, restarted.Current.Thumbprint);
        Assert.Equal(ring.SigningKeys.Select(k => k.Thumbprint).Order(), restarted.SigningKeys.Select(k => k.Thumbprint).Order());
        Assert.Equal(ring.EncryptionKey.Key, restarted.EncryptionKey.Key);
    }

    public void Dispose() => _directory.Dispose();

    private SigningKeyRing Ring() => new(
        Options.Create(new IdentityOptions { KeysDirectory = _directory.Path, SigningKeyRotation = Rotation, SigningKeyOverlap = Overlap }),
        _clock,
        NullLogger<SigningKeyRing>.Instance);
}
