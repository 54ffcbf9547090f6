using System.Buffers.Binary;
using System.Buffers.Text;

namespace Exchange.Ledger.Query;

/// <summary>
/// Keyset page tokens: the last sequence of a page, opaque to clients. Paging by sequence stays
/// O(log n) per page however deep the reviewer pages, and new appends never shift a page.
/// </summary>
public static class PageToken
{
    private const byte Version = 1;

    public static string Encode(ulong lastSequence)
    {
        Span<byte> buffer = stackalloc byte[9];
        buffer[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(buffer[1..], lastSequence);
        return Base64Url.EncodeToString(buffer);
    }

    public static bool TryDecode(string token, out ulong lastSequence)
    {
        lastSequence = 0;
        Span<byte> buffer = stackalloc byte[16];
        int written;
        try
        {
            if (!Base64Url.TryDecodeFromChars(token, buffer, out written))
            {
                return false;
            }
        }
        catch (FormatException)
        {
            // Malformed base64 throws rather than returning false.
            return false;
        }

        if (written != 9 || buffer[0] != Version)
        {
            return false;
        }

        lastSequence = BinaryPrimitives.ReadUInt64BigEndian(buffer[1..]);
        // Sequences are stored as signed 64-bit integers: a larger value was never issued.
        return lastSequence <= long.MaxValue;
    }
}
