using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Exchange.Disclosure.Pseudonyms;

/// <summary>
/// Pseudonyms without a lookup table. A person's exchange pseudonym is a keyed hash of the BSN
/// (12 bytes) plus a 4-byte check; an organisation's pseudonym is that 16-byte block encrypted with
/// the organisation's own AES key. So the exchange can translate between any two organisations'
/// pseudonyms, while no organisation can join its records to another's, and no BSN is ever stored.
/// </summary>
public sealed class PseudonymCodec
{
    private const int BlockBytes = 16;
    private const int IdBytes = 12;
    private const string ExchangePrefix = "x";

    private readonly byte[] _idKey;
    private readonly byte[] _checkKey;
    private readonly byte[] _organisationKeySeed;
    private readonly ConcurrentDictionary<string, Aes> _organisationCiphers = new(StringComparer.Ordinal);

    public PseudonymCodec(ReadOnlySpan<byte> masterKey)
    {
        _idKey = Derive(masterKey, "subject-id");
        _checkKey = Derive(masterKey, "subject-check");
        _organisationKeySeed = Derive(masterKey, "organisation-keys");
    }

    /// <summary>The exchange pseudonym for a BSN. The caller must have checked the BSN.</summary>
    public string FromBsn(ReadOnlySpan<char> bsn)
    {
        Span<byte> digits = stackalloc byte[bsn.Length];
        for (var i = 0; i < bsn.Length; i++)
        {
            digits[i] = (byte)bsn[i];
        }

        Span<byte> block = stackalloc byte[BlockBytes];
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_idKey, digits, mac);
        mac[..IdBytes].CopyTo(block);
        digits.Clear();
        WriteCheck(block);
        return ExchangePrefix + Base32.Encode(block);
    }

    /// <summary>Translates an exchange pseudonym to the organisation's own pseudonym.</summary>
    public string ToOrganisation(string exchangePseudonym, string organisationId)
    {
        if (!TryDecodeExchange(exchangePseudonym, out var block))
        {
            throw new ArgumentException("Not an exchange pseudonym.", nameof(exchangePseudonym));
        }

        Span<byte> encrypted = stackalloc byte[BlockBytes];
        var cipher = CipherFor(organisationId);
        lock (cipher)
        {
            cipher.EncryptEcb(block, encrypted, PaddingMode.None);
        }

        return Base32.Encode(encrypted);
    }

    /// <summary>
    /// Translates an organisation's pseudonym back to the exchange pseudonym; false when the value
    /// was not issued to that organisation (a typo, or another organisation's pseudonym).
    /// </summary>
    public bool TryFromOrganisation(string organisationPseudonym, string organisationId, out string exchangePseudonym)
    {
        exchangePseudonym = string.Empty;
        Span<byte> encrypted = stackalloc byte[BlockBytes];
        if (!Base32.TryDecode(organisationPseudonym, encrypted))
        {
            return false;
        }

        Span<byte> block = stackalloc byte[BlockBytes];
        var cipher = CipherFor(organisationId);
        lock (cipher)
        {
            cipher.DecryptEcb(encrypted, block, PaddingMode.None);
        }

        if (!CheckMatches(block))
        {
            return false;
        }

        exchangePseudonym = ExchangePrefix + Base32.Encode(block);
        return true;
    }

    /// <summary>True for a well-formed exchange pseudonym (checks the 4-byte check).</summary>
    public bool IsExchangePseudonym(string value) => TryDecodeExchange(value, out _);

    private bool TryDecodeExchange(string value, out byte[] block)
    {
        block = new byte[BlockBytes];
        return value.StartsWith(ExchangePrefix, StringComparison.Ordinal)
            && Base32.TryDecode(value.AsSpan(ExchangePrefix.Length), block)
            && CheckMatches(block);
    }

    private void WriteCheck(Span<byte> block)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_checkKey, block[..IdBytes], mac);
        mac[..(BlockBytes - IdBytes)].CopyTo(block[IdBytes..]);
    }

    private bool CheckMatches(ReadOnlySpan<byte> block)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_checkKey, block[..IdBytes], mac);
        return CryptographicOperations.FixedTimeEquals(mac[..(BlockBytes - IdBytes)], block[IdBytes..]);
    }

    private Aes CipherFor(string organisationId) =>
        _organisationCiphers.GetOrAdd(organisationId, static (id, seed) =>
        {
            var aes = Aes.Create();
            aes.Key = HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes(id));
            return aes;
        }, _organisationKeySeed);

    private static byte[] Derive(ReadOnlySpan<byte> masterKey, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.ToArray(), 32, info: Encoding.UTF8.GetBytes("exchange-pseudonyms/" + purpose));
}
