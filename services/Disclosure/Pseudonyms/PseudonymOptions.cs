namespace Exchange.Disclosure.Pseudonyms;

/// <summary>
/// The exchange's pseudonymisation secret: 32 random bytes, base64, from configuration or a secret
/// store (a file the deployment mounts). Never from code: whoever has it can link organisations' records.
/// </summary>
public sealed record PseudonymOptions
{
    public const string Section = "Pseudonyms";

    /// <summary>Base64 of 32 bytes.</summary>
    public string? Key { get; init; }

    /// <summary>A file holding the base64 key, used when <see cref="Key"/> is not set.</summary>
    public string? KeyFile { get; init; }

    public byte[] ResolveKey()
    {
        var text = Key;
        if (string.IsNullOrWhiteSpace(text) && !string.IsNullOrWhiteSpace(KeyFile))
        {
            text = File.ReadAllText(KeyFile).Trim();
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException($"{Section}:Key or {Section}:KeyFile must be set.");
        }

        var key = Convert.FromBase64String(text);
        return key.Length == 32 ? key : throw new InvalidOperationException($"{Section}:Key must be 32 bytes (base64).");
    }
}
