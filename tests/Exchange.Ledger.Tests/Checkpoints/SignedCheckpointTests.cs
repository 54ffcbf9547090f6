using System.Security.Cryptography;
using System.Text;
using Exchange.Ledger.Checkpoints;

namespace Exchange.Ledger.Tests.Checkpoints;

public sealed class SignedCheckpointTests
{
    private const string Origin = "exchange.test/ledger";
    private static readonly byte[] Root = SHA256.HashData("root"u8);

    [Fact]
    public void A_checkpoint_note_has_origin_size_base64_root_and_time_lines_then_one_signature_line()
    {
        using var signer = NoteSigner.Generate(Origin);
        var checkpoint = SignedCheckpoint.Create(signer, 41, Root, new DateTimeOffset(2026, 11, 22, 9, 30, 15, TimeSpan.Zero));

        var lines = checkpoint.Note.Split('\n');
        Assert.Equal(Origin, lines[0]);
        Assert.Equal("41", lines[1]);
        Assert.Equal(Convert.ToBase64String(Root), lines[2]);
        Assert.Equal("time 2026-11-22T09:30:15Z", lines[3]);
        Assert.Equal(string.Empty, lines[4]);
        Assert.StartsWith($"\u2014 {Origin} ", lines[5], StringComparison.Ordinal);
        Assert.Equal(string.Empty, lines[6]);
        Assert.Equal(7, lines.Length);
    }

    [Fact]
    public void The_signature_is_an_ed25519_signature_over_the_note_text_prefixed_with_the_key_id()
    {
        using var signer = NoteSigner.Generate(Origin);
        var note = SignedCheckpoint.Create(signer, 3, Root, DateTimeOffset.UnixEpoch).Note;
        var text = note[..(note.IndexOf("\n\n", StringComparison.Ordinal) + 1)];
        var blob = Convert.FromBase64String(note.Split('\n')[5].Split(' ')[2]);

        var expectedKeyId = SHA256.HashData([.. Encoding.UTF8.GetBytes(Origin), 0x0A, 0x01, .. signer.PublicKey])[..4];
        Assert.Equal(expectedKeyId, blob[..4]);
        var publicKey = NSec.Cryptography.PublicKey.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, signer.PublicKey,
            NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        Assert.True(NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(publicKey, Encoding.UTF8.GetBytes(text), blob.AsSpan(4)));
    }

    [Fact]
    public void The_verifier_key_string_is_name_plus_hex_key_id_plus_base64_of_type_byte_and_public_key()
    {
        using var signer = NoteSigner.Generate(Origin);
        var parts = signer.VerifierKey.Split('+', 3);

        Assert.Equal(Origin, parts[0]);
        Assert.Equal(signer.KeyId.ToString("x8"), parts[1]);
        Assert.Equal([0x01, .. signer.PublicKey], Convert.FromBase64String(parts[2]));
    }

    [Fact]
    public void A_checkpoint_opens_with_the_published_verifier_key_alone()
    {
        using var signer = NoteSigner.Generate(Origin);
        var checkpoint = SignedCheckpoint.Create(signer, 1_000_000, Root, DateTimeOffset.UtcNow);

        var opened = SignedCheckpoint.Open(checkpoint.Note, NoteVerifier.Parse(signer.VerifierKey), out var failure);

        Assert.Null(failure);
        Assert.NotNull(opened);
        Assert.Equal(1_000_000UL, opened.TreeSize);
        Assert.Equal(Root, opened.RootHash);
        Assert.Equal(checkpoint.Time, opened.Time);
    }

    [Theory]
    [InlineData("41", "42")]
    [InlineData("exchange.test/ledger\n", "exchange.evil/ledger\n")]
    [InlineData("time 20", "time 19")]
    public void A_checkpoint_whose_text_was_changed_does_not_open(string original, string replacement)
    {
        using var signer = NoteSigner.Generate(Origin);
        var note = SignedCheckpoint.Create(signer, 41, Root, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).Note;
        var altered = note.Replace(original, replacement, StringComparison.Ordinal);
        Assert.NotEqual(note, altered);

        Assert.Null(SignedCheckpoint.Open(altered, NoteVerifier.Parse(signer.VerifierKey), out var failure));
        Assert.NotNull(failure);
    }

    [Fact]
    public void A_checkpoint_signed_by_another_key_of_the_same_name_does_not_open()
    {
        using var signer = NoteSigner.Generate(Origin);
        using var impostor = NoteSigner.Generate(Origin);
        var note = SignedCheckpoint.Create(impostor, 41, Root, DateTimeOffset.UtcNow).Note;

        Assert.Null(SignedCheckpoint.Open(note, NoteVerifier.Parse(signer.VerifierKey), out _));
    }

    [Fact]
    public void The_signing_key_is_created_owner_only_on_first_start_and_the_same_key_is_loaded_after()
    {
        var directory = Directory.CreateTempSubdirectory("ledger-key-");
        try
        {
            var path = Path.Combine(directory.FullName, "keys", "signing.key");
            string verifierKey;
            using (var created = NoteSigner.LoadOrCreate(path, Origin))
            {
                verifierKey = created.VerifierKey;
            }

            Assert.StartsWith("PRIVATE+KEY+exchange.test/ledger+", File.ReadAllText(path), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            using var loaded = NoteSigner.LoadOrCreate(path, Origin);
            Assert.Equal(verifierKey, loaded.VerifierKey);
            Assert.Throws<InvalidOperationException>(() => NoteSigner.LoadOrCreate(path, "other.origin/log"));
        }
        finally
        {
            directory.Delete(true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("has+plus")]
    public void A_key_name_with_spaces_or_pluses_is_refused(string name) =>
        Assert.Throws<FormatException>(() => NoteSigner.Generate(name));
}
