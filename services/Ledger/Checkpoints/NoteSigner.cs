using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Exchange.Ledger.Checkpoints;

/// <summary>
/// An Ed25519 signer for C2SP signed notes. Its key name is the log origin. The key file holds the
/// signer key in the signed-note text form <c>PRIVATE+KEY+name+keyid+base64(0x01||seed)</c>, which
/// other signed-note tools read too.
/// </summary>
public sealed class NoteSigner : IDisposable
{
    internal const byte Ed25519Type = 0x01;
    private const string PrivateKeyPrefix = "PRIVATE+KEY+";
    private readonly Key _key;

    private NoteSigner(string name, Key key)
    {
        NoteVerifier.RequireValidName(name);
        Name = name;
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = NoteVerifier.ComputeKeyId(name, PublicKey);
        Verifier = new NoteVerifier(name, KeyId, PublicKey);
    }

    public string Name { get; }

    public uint KeyId { get; }

    public byte[] PublicKey { get; }

    public NoteVerifier Verifier { get; }

    /// <summary>The published verifier key: <c>name+keyid+base64(0x01||pubkey)</c>.</summary>
    public string VerifierKey => Verifier.ToString();

    public static NoteSigner Generate(string name)
    {
        var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new NoteSigner(name, key);
    }

    /// <summary>Parses a signer key string.</summary>
    public static NoteSigner Parse(string signerKey)
    {
        var text = signerKey.Trim();
        if (!text.StartsWith(PrivateKeyPrefix, StringComparison.Ordinal))
        {
            throw new FormatException("A signer key starts with PRIVATE+KEY+.");
        }

        var parts = text[PrivateKeyPrefix.Length..].Split('+', 3);
        if (parts.Length != 3)
        {
            throw new FormatException("A signer key has the form PRIVATE+KEY+name+keyid+key.");
        }

        var material = Convert.FromBase64String(parts[2]);
        if (material.Length != 33 || material[0] != Ed25519Type)
        {
            throw new FormatException("Only Ed25519 signer keys are supported.");
        }

        var key = Key.Import(SignatureAlgorithm.Ed25519, material.AsSpan(1), KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        CryptographicOperations.ZeroMemory(material);
        var signer = new NoteSigner(parts[0], key);
        if (!string.Equals(parts[1], signer.KeyId.ToString("x8"), StringComparison.Ordinal))
        {
            signer.Dispose();
            throw new FormatException("The signer key's key id does not match its name and key.");
        }

        return signer;
    }

    /// <summary>
    /// Loads the signer key from <paramref name="path"/>, creating it (owner-only permissions) on
    /// first start. The key is never hard-coded; losing the file means starting a new log identity.
    /// </summary>
    public static NoteSigner LoadOrCreate(string path, string name)
    {
        if (File.Exists(path))
        {
            var signer = Parse(File.ReadAllText(path));
            if (!string.Equals(signer.Name, name, StringComparison.Ordinal))
            {
                var existing = signer.Name;
                signer.Dispose();
                throw new InvalidOperationException($"The signing key is for '{existing}', not for origin '{name}'.");
            }

            return signer;
        }

        var created = Generate(name);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(created.ExportSignerKey());
            writer.Write('\n');
        }

        return created;
    }

    public string ExportSignerKey()
    {
        var seed = _key.Export(KeyBlobFormat.RawPrivateKey);
        var material = new byte[33];
        material[0] = Ed25519Type;
        seed.CopyTo(material, 1);
        CryptographicOperations.ZeroMemory(seed);
        var text = $"{PrivateKeyPrefix}{Name}+{KeyId:x8}+{Convert.ToBase64String(material)}";
        CryptographicOperations.ZeroMemory(material);
        return text;
    }

    /// <summary>Signs a note text (which must end in a newline) and returns the whole signed note.</summary>
    public string Sign(string text)
    {
        if (text.Length == 0 || text[^1] != '\n')
        {
            throw new ArgumentException("A note text ends with a newline.", nameof(text));
        }

        var signature = SignatureAlgorithm.Ed25519.Sign(_key, Encoding.UTF8.GetBytes(text));
        var blob = new byte[4 + signature.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(blob, KeyId);
        signature.CopyTo(blob, 4);
        return $"{text}\n{NoteVerifier.SignatureLinePrefix}{Name} {Convert.ToBase64String(blob)}\n";
    }

    public void Dispose() => _key.Dispose();
}
