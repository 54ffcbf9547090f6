using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Exchange.Ledger.Checkpoints;
using NSec.Cryptography;

namespace Exchange.Ledger.Witness;

/// <summary>
/// A witness's Ed25519 key for C2SP tlog-cosignature (<c>cosignature/v1</c>): it signs
/// <c>"cosignature/v1\ntime &lt;unix seconds&gt;\n"</c> followed by the checkpoint's note text, and its signature line is
/// <c>— &lt;name&gt; base64(key id ‖ 8-byte big-endian time ‖ signature)</c>. The key id is the first four bytes of
/// SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key); the verifier key is <c>name+keyid+base64(0x04 ‖ public key)</c>. The key
/// file holds <c>PRIVATE+KEY+name+keyid+base64(0x04 ‖ seed)</c>, created with mode 0600.
/// </summary>
public sealed class WitnessKey : IDisposable
{
    internal const byte CosignatureType = 0x04;
    private const string PrivateKeyPrefix = "PRIVATE+KEY+";
    private const string Header = "cosignature/v1\ntime ";
    private readonly Key _key;

    private WitnessKey(string name, Key key)
    {
        Name = name;
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = ComputeKeyId(name, PublicKey);
    }

    public string Name { get; }

    public uint KeyId { get; }

    public byte[] PublicKey { get; }

    /// <summary>What a log operator or a verifier configures to check this witness's cosignatures.</summary>
    public string VerifierKey => FormatVerifierKey(Name, KeyId, PublicKey);

    /// <summary>Loads the key at <paramref name="path"/>, creating it (owner-only) on first start.</summary>
    public static WitnessKey LoadOrCreate(string path, string name)
    {
        if (File.Exists(path))
        {
            var loaded = Parse(File.ReadAllText(path));
            if (!string.Equals(loaded.Name, name, StringComparison.Ordinal))
            {
                var existing = loaded.Name;
                loaded.Dispose();
                throw new InvalidOperationException($"The witness key is for '{existing}', not for '{name}'.");
            }

            return loaded;
        }

        var key = new WitnessKey(name, Key.Create(SignatureAlgorithm.Ed25519,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(path, options), new UTF8Encoding(false)))
        {
            var seed = key._key.Export(KeyBlobFormat.RawPrivateKey);
            writer.Write($"{PrivateKeyPrefix}{name}+{key.KeyId:x8}+{Convert.ToBase64String([CosignatureType, .. seed])}\n");
            CryptographicOperations.ZeroMemory(seed);
        }

        return key;
    }

    private static WitnessKey Parse(string text)
    {
        var parts = text.Trim().StartsWith(PrivateKeyPrefix, StringComparison.Ordinal)
            ? text.Trim()[PrivateKeyPrefix.Length..].Split('+', 3)
            : [];
        var material = parts.Length == 3 ? Convert.FromBase64String(parts[2]) : [];
        if (material.Length != 33 || material[0] != CosignatureType)
        {
            throw new FormatException("A witness key file holds PRIVATE+KEY+name+keyid+base64(0x04 ‖ Ed25519 seed).");
        }

        var key = new WitnessKey(parts[0], Key.Import(SignatureAlgorithm.Ed25519, material.AsSpan(1), KeyBlobFormat.RawPrivateKey));
        CryptographicOperations.ZeroMemory(material);
        return key;
    }

    /// <summary>The cosignature line for a checkpoint's note text, made at <paramref name="time"/>.</summary>
    public string Cosign(string checkpointText, DateTimeOffset time)
    {
        var seconds = (ulong)time.ToUnixTimeSeconds();
        var signature = SignatureAlgorithm.Ed25519.Sign(_key, SignedMessage(checkpointText, seconds));
        var blob = new byte[4 + 8 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, KeyId);
        BinaryPrimitives.WriteUInt64BigEndian(blob.AsSpan(4), seconds);
        signature.CopyTo(blob, 12);
        return $"\u2014 {Name} {Convert.ToBase64String(blob)}\n";
    }

    /// <summary>
    /// True when <paramref name="note"/> (a checkpoint with its signature lines) carries a valid cosignature of the
    /// witness whose verifier key is <paramref name="verifierKey"/>.
    /// </summary>
    public static bool HasCosignature(string note, string verifierKey)
    {
        var material = ParseVerifierKey(verifierKey, out var name);
        var keyId = ComputeKeyId(name, material.AsSpan(1));
        var publicKey = NSec.Cryptography.PublicKey.Import(SignatureAlgorithm.Ed25519, material.AsSpan(1), KeyBlobFormat.RawPublicKey);
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var text = note[..(split + 1)];
        foreach (var line in note[(split + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var prefix = $"\u2014 {name} ";
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(line[prefix.Length..]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (blob.Length == 4 + 8 + 64 && BinaryPrimitives.ReadUInt32BigEndian(blob) == keyId
                && SignatureAlgorithm.Ed25519.Verify(publicKey, SignedMessage(text, BinaryPrimitives.ReadUInt64BigEndian(blob.AsSpan(4))), blob.AsSpan(12)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The witness's name in a verifier key; throws <see cref="FormatException"/> when it is not one.</summary>
    public static string NameOf(string verifierKey)
    {
        ParseVerifierKey(verifierKey, out var name);
        return name;
    }

    private static byte[] ParseVerifierKey(string verifierKey, out string name)
    {
        var parts = verifierKey.Trim().Split('+', 3);
        byte[] material = [];
        if (parts.Length == 3 && parts[0].Length > 0)
        {
            try
            {
                material = Convert.FromBase64String(parts[2]);
            }
            catch (FormatException)
            {
                material = [];
            }
        }

        if (material.Length != 33 || material[0] != CosignatureType)
        {
            throw new FormatException("A witness verifier key is name+keyid+base64(0x04 ‖ Ed25519 public key).");
        }

        name = parts[0];
        return material;
    }

    private static byte[] SignedMessage(string checkpointText, ulong seconds) =>
        Encoding.UTF8.GetBytes(FormattableString.Invariant($"{Header}{seconds}\n{checkpointText}"));

    private static uint ComputeKeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var input = new List<byte>(Encoding.UTF8.GetBytes(name)) { 0x0A, CosignatureType };
        input.AddRange(publicKey.ToArray());
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input.ToArray()));
    }

    private static string FormatVerifierKey(string name, uint keyId, byte[] publicKey) =>
        $"{name}+{keyId:x8}+{Convert.ToBase64String([CosignatureType, .. publicKey])}";

    public void Dispose() => _key.Dispose();
}
