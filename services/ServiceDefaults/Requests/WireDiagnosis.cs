using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Exchange.ServiceDefaults.Requests;

/// <summary>
/// Says where protobuf bytes stop being a valid message of a type: the dotted path of the first field that
/// cannot be decoded (e.g. "signal.provenance.recorded_by"), or "" when the message itself is broken before
/// any field. Only used once parsing has failed, to give the caller the field an InvalidArgument must name.
/// </summary>
public static class WireDiagnosis
{
    private const int MaxDepth = 64;

    /// <summary>Parses <paramref name="bytes"/> as <paramref name="type"/>; on failure names the field that breaks it.</summary>
    public static bool TryParse(MessageDescriptor type, ReadOnlyMemory<byte> bytes, out IMessage? message, out string brokenField)
    {
        try
        {
            message = type.Parser.ParseFrom(bytes.Span);
            brokenField = string.Empty;
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            message = null;
            brokenField = Locate(type, bytes.Span, string.Empty, 0) ?? string.Empty;
            return false;
        }
    }

    /// <summary>The path of the first undecodable field, or null when the bytes decode.</summary>
    public static string? Locate(MessageDescriptor type, ReadOnlySpan<byte> data, string prefix, int depth)
    {
        if (depth > MaxDepth)
        {
            return prefix;
        }

        var occurrences = new Dictionary<int, int>();
        var position = 0;
        while (position < data.Length)
        {
            if (!TryReadVarint(data, ref position, out var tag) || tag >> 3 == 0 || tag >> 3 > 536_870_911)
            {
                return prefix;
            }

            var number = (int)(tag >> 3);
            var field = type.FindFieldByNumber(number);
            var index = occurrences[number] = occurrences.GetValueOrDefault(number) + 1;
            var path = Join(prefix, field is null ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : field.Name);
            if (field is { IsRepeated: true, IsMap: false })
            {
                path += $"[{index - 1}]";
            }

            switch ((int)(tag & 7))
            {
                case 0:
                    if (!TryReadVarint(data, ref position, out _))
                    {
                        return path;
                    }

                    break;
                case 1:
                    position += 8;
                    if (position > data.Length)
                    {
                        return path;
                    }

                    break;
                case 5:
                    position += 4;
                    if (position > data.Length)
                    {
                        return path;
                    }

                    break;
                case 2:
                    if (!TryReadVarint(data, ref position, out var length) || length > (ulong)(data.Length - position))
                    {
                        return path;
                    }

                    var slice = data.Slice(position, (int)length);
                    position += (int)length;
                    if (field is null)
                    {
                        break;
                    }

                    if (field.FieldType is FieldType.Message && Locate(field.MessageType, slice, path, depth + 1) is { } inner)
                    {
                        return inner;
                    }

                    if (field.FieldType is FieldType.String && !IsUtf8(slice))
                    {
                        return path;
                    }

                    break;
                default:
                    // Groups are not proto3; 6 and 7 are no wire type at all.
                    return path;
            }
        }

        return null;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                return false;
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
