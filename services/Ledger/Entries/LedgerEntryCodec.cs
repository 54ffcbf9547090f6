using System.Security.Cryptography;
using Exchange.Contracts.Ledger.V1;
using Google.Protobuf;

namespace Exchange.Ledger.Entries;

/// <summary>
/// The one canonical byte form of a <see cref="LedgerEntry"/>: what is stored, exported and hashed.
/// The generated C# serializer writes fields in field-number order and LedgerEntry has no maps,
/// so its output is deterministic once unknown fields are dropped; a round trip through a parser
/// that discards unknown fields guarantees that, whoever built the message.
/// </summary>
public static class LedgerEntryCodec
{
    private static readonly MessageParser<LedgerEntry> CanonicalParser =
        LedgerEntry.Parser.WithDiscardUnknownFields(true);

    /// <summary>Returns the canonical copy of <paramref name="entry"/> and its bytes.</summary>
    public static (LedgerEntry Entry, byte[] Bytes) Canonicalize(LedgerEntry entry)
    {
        var canonical = CanonicalParser.ParseFrom(entry.ToByteArray());
        return (canonical, canonical.ToByteArray());
    }

    public static byte[] Encode(LedgerEntry entry) => Canonicalize(entry).Bytes;

    /// <summary>Parses stored bytes; throws <see cref="InvalidProtocolBufferException"/> when they are not an entry.</summary>
    public static LedgerEntry Decode(ReadOnlySpan<byte> bytes) => CanonicalParser.ParseFrom(bytes);

    /// <summary>True when <paramref name="bytes"/> is exactly the canonical encoding of what it decodes to.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> bytes, out LedgerEntry? entry)
    {
        try
        {
            entry = Decode(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            entry = null;
            return false;
        }

        return bytes.SequenceEqual(entry.ToByteArray());
    }

    /// <summary>SHA-256 of a released payload, for <c>released_payload_digest</c>.</summary>
    public static byte[] PayloadDigest(ReadOnlySpan<byte> payload) => SHA256.HashData(payload);
}
