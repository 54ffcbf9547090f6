using System.Security.Cryptography;
using Exchange.Contracts.Ledger.V1;
using Exchange.Ledger.Entries;
using Exchange.Ledger.Merkle;
using Exchange.Ledger.Tests.Support;
using Google.Protobuf;

namespace Exchange.Ledger.Tests.Entries;

public sealed class LedgerEntryCodecTests
{
    [Fact]
    public void Encoding_the_same_entry_twice_gives_the_same_bytes_and_they_decode_to_an_equal_entry()
    {
        var entry = SampleEntries.Decision("subject-1");
        entry.Sequence = 7;
        entry.RecordedAt = LedgerTime.FromUnixMicroseconds(1_795_000_000_123_456);

        var bytes = LedgerEntryCodec.Encode(entry);

        Assert.Equal(bytes, LedgerEntryCodec.Encode(entry.Clone()));
        Assert.Equal(entry, LedgerEntryCodec.Decode(bytes));
        Assert.True(LedgerEntryCodec.IsCanonical(bytes, out _));
    }

    [Fact]
    public void Unknown_fields_from_a_newer_client_are_not_part_of_the_canonical_bytes()
    {
        var entry = SampleEntries.Decision("subject-1");
        var withUnknown = entry.ToByteArray().Concat(new byte[] { 0xF8, 0x06, 0x01 }).ToArray(); // field 111, varint 1
        var parsed = LedgerEntry.Parser.ParseFrom(withUnknown);
        Assert.NotEqual(entry.ToByteArray(), parsed.ToByteArray());

        Assert.Equal(entry.ToByteArray(), LedgerEntryCodec.Encode(parsed));
        Assert.False(LedgerEntryCodec.IsCanonical(withUnknown, out _));
    }

    [Fact]
    public void Fields_out_of_field_number_order_are_not_canonical()
    {
        var entry = new LedgerEntry { TraceId = "t", DecisionId = "d" };
        var canonical = entry.ToByteArray();
        // Field 5 (decision_id) written before field 4 (trace_id): same message, other bytes.
        var reordered = new LedgerEntry { DecisionId = "d" }.ToByteArray().Concat(new LedgerEntry { TraceId = "t" }.ToByteArray()).ToArray();

        Assert.Equal(entry, LedgerEntry.Parser.ParseFrom(reordered));
        Assert.False(LedgerEntryCodec.IsCanonical(reordered, out _));
        Assert.True(LedgerEntryCodec.IsCanonical(canonical, out _));
    }

    [Fact]
    public void The_leaf_hash_of_an_entry_is_sha256_of_a_zero_byte_and_its_canonical_bytes()
    {
        var bytes = LedgerEntryCodec.Encode(SampleEntries.Decision("subject-1"));
        Assert.Equal(SHA256.HashData([0x00, .. bytes]), MerkleHash.Leaf(bytes));
    }

    [Fact]
    public void Ledger_times_round_trip_whole_microseconds_including_before_1970()
    {
        foreach (var micros in new[] { 0L, 1L, -1L, 1_795_000_000_123_456L, -62_135_596_800_000_000L })
        {
            Assert.Equal(micros, LedgerTime.ToUnixMicroseconds(LedgerTime.FromUnixMicroseconds(micros)));
        }
    }
}
