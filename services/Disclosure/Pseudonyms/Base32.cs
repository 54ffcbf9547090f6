namespace Exchange.Disclosure.Pseudonyms;

/// <summary>Lower-case RFC 4648 base32 without padding: pseudonyms survive case-insensitive systems and URLs.</summary>
internal static class Base32
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var length = (data.Length * 8 + 4) / 5;
        return string.Create(length, data.ToArray(), static (chars, bytes) =>
        {
            int buffer = 0, bits = 0, index = 0;
            foreach (var b in bytes)
            {
                buffer = (buffer << 8) | b;
                bits += 8;
                while (bits >= 5)
                {
                    chars[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                    bits -= 5;
                }
            }

            if (bits > 0)
            {
                chars[index] = Alphabet[(buffer << (5 - bits)) & 31];
            }
        });
    }

    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        if (text.Length != (destination.Length * 8 + 4) / 5)
        {
            return false;
        }

        int buffer = 0, bits = 0, index = 0;
        foreach (var c in text)
        {
            var value = c switch
            {
                >= 'a' and <= 'z' => c - 'a',
                >= 'A' and <= 'Z' => c - 'A',
                >= '2' and <= '7' => c - '2' + 26,
                _ => -1,
            };
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                if (index == destination.Length)
                {
                    return false;
                }

                destination[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }

        return index == destination.Length;
    }
}
