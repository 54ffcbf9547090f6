using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Exchange.Ledger.Checkpoints;

/// <summary>
/// Verifies C2SP signed notes made by one Ed25519 key, given only its published verifier key
/// <c>name+keyid+base64(0x01||pubkey)</c>. The key id is the first four bytes of
/// SHA-256(name || 0x0A || 0x01 || pubkey), as the signed-note specification defines.
/// </summary>
public sealed class NoteVerifier
{
    internal const string SignatureLinePrefix = "\u2014 ";
    private readonly PublicKey _publicKey;

    public NoteVerifier(string name, uint keyId, byte[] publicKey)
    {
        RequireValidName(name);
        if (keyId != ComputeKeyId(name, publicKey))
        {
            throw new FormatException("The key id does not match the key name and public key.");
        }

        Name = name;
        KeyId = keyId;
        _publicKey = PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey);
        PublicKeyBytes = publicKey;
    }

    public string Name { get; }

    public uint KeyId { get; }

    public byte[] PublicKeyBytes { get; }

    public static NoteVerifier Parse(string verifierKey)
    {
        var parts = verifierKey.Trim().Split('+', 3);
        if (parts.Length != 3 || parts[1].Length != 8)
        {
            throw new FormatException("A verifier key has the form name+keyid+base64key.");
        }

        var keyId = uint.Parse(parts[1], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var material = Convert.FromBase64String(parts[2]);
        if (material.Length != 33 || material[0] != NoteSigner.Ed25519Type)
        {
            throw new FormatException("Only Ed25519 verifier keys are supported.");
        }

        return new NoteVerifier(parts[0], keyId, material[1..]);
    }

    public static uint ComputeKeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = NoteSigner.Ed25519Type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    internal static void RequireValidName(string name)
    {
        // Key names are non-empty and contain no Unicode spaces or pluses (signed-note spec).
        if (string.IsNullOrEmpty(name) || name.Any(c => char.IsWhiteSpace(c) || c == '+'))
        {
            throw new FormatException("A key name is non-empty and has no spaces or '+'.");
        }
    }

    /// <summary>
    /// Returns the note text when <paramref name="note"/> carries a valid signature by this key;
    /// otherwise null. Signatures by other keys are ignored, as the specification allows.
    /// </summary>
    public string? Open(string note)
    {
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || note.Length == 0 || note[^1] != '\n')
        {
            return null;
        }

        var text = note[..(split + 1)];
        var lines = note[(split + 2)..^1].Split('\n');
        var textBytes = Encoding.UTF8.GetBytes(text);
        foreach (var line in lines)
        {
            if (!line.StartsWith(SignatureLinePrefix, StringComparison.Ordinal))
            {
                return null;
            }

            var rest = line[SignatureLinePrefix.Length..];
            var space = rest.LastIndexOf(' ');
            if (space <= 0 || !string.Equals(rest[..space], Name, StringComparison.Ordinal))
            {
                continue;
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(rest[(space + 1)..]);
            }
            catch (FormatException)
            {
                return null;
            }

            if (blob.Length != 4 + 64 || BinaryPrimitives.ReadUInt32BigEndian(blob) != KeyId)
            {
                continue;
            }

            if (SignatureAlgorithm.Ed25519.Verify(_publicKey, textBytes, blob.AsSpan(4)))
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>The verifier key string: <c>name+keyid+base64(0x01||pubkey)</c>.</summary>
    public override string ToString()
    {
        var material = new byte[33];
        material[0] = NoteSigner.Ed25519Type;
        PublicKeyBytes.CopyTo(material, 1);
        return $"{Name}+{KeyId:x8}+{Convert.ToBase64String(material)}";
    }
}
