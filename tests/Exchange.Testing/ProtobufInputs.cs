using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Testing;

/// <summary>
/// Messages and wire bytes for testing what a receiver does with any request: a message of a type with every field
/// set, and hostile encodings of a type (fields with the wrong wire type, unknown fields, length prefixes far beyond
/// the data, groups and messages nested thousands deep, a message just over a size limit).
/// </summary>
public static class ProtobufInputs
{
    /// <summary>A message of <paramref name="type"/> with every field set (lists of one to three, nested messages to <paramref name="maxDepth"/>).</summary>
    public static IMessage Fill(MessageDescriptor type, Random random, int maxDepth = 4) => Fill(type, random, 0, maxDepth);

    /// <summary>One hostile encoding of <paramref name="type"/>, chosen by <paramref name="random"/>, around <paramref name="valid"/> bytes of it.</summary>
    public static byte[] Hostile(MessageDescriptor type, byte[] valid, Random random, int sizeLimit)
    {
        var writer = new Wire();
        var fields = type.Fields.InFieldNumberOrder();
        var field = fields.Count == 0 ? null : fields[random.Next(fields.Count)];
        var number = field?.FieldNumber ?? 1;
        switch (random.Next(8))
        {
            case 0:
                // A known field with a wire type its type does not have.
                writer.Raw(valid);
                WriteAny(writer, number, field is null ? WireFormat.WireType.Fixed32 : Wrong(field, random), random);
                break;
            case 1:
                // Unknown fields of every wire type, among the known ones.
                writer.Raw(valid);
                foreach (var unknown in new[] { 999, 19_000, 536_870_911, 50_000 + random.Next(1000) })
                {
                    WriteAny(writer, unknown, (WireFormat.WireType)new[] { 0, 1, 2, 5 }[random.Next(4)], random);
                }

                break;
            case 2:
                // A length prefix far beyond the bytes that follow (up to 2^32 - 1 and beyond).
                writer.Raw(valid);
                writer.Tag(number, WireFormat.WireType.LengthDelimited);
                writer.Varint(new[] { 0x7FFF_FFFFUL, 0xFFFF_FFFFUL, 0x1_0000_0000UL, ulong.MaxValue, (ulong)sizeLimit + 1 }[random.Next(5)]);
                writer.Raw([1, 2, 3]);
                break;
            case 3:
                // Groups (a wire type proto3 never writes) nested thousands deep, closed or not.
                var depth = random.Next(100, 20_000);
                for (var i = 0; i < depth; i++)
                {
                    writer.Tag(number, WireFormat.WireType.StartGroup);
                }

                if (random.Next(2) == 0)
                {
                    for (var i = 0; i < depth; i++)
                    {
                        writer.Tag(number, WireFormat.WireType.EndGroup);
                    }
                }

                break;
            case 4:
                // A message field nested far past any recursion limit (field 1 inside itself, under the chosen field).
                var nested = Array.Empty<byte>();
                var levels = random.Next(50, 2_000);
                for (var i = 0; i < levels; i++)
                {
                    var level = new Wire();
                    level.Tag(i == levels - 1 ? number : 1, WireFormat.WireType.LengthDelimited);
                    level.Varint((ulong)nested.Length);
                    level.Raw(nested);
                    nested = level.ToArray();
                }

                writer.Raw(nested);
                break;
            case 5:
                // Just over the size limit: a valid message with an unknown field that takes it one to a few bytes past.
                writer.Raw(valid);
                var padding = Math.Max(0, sizeLimit - valid.Length - 8 + random.Next(1, 16));
                writer.Tag(29_999, WireFormat.WireType.LengthDelimited);
                writer.Varint((ulong)padding);
                writer.Raw(new byte[padding]);
                break;
            case 6:
                // A truncated valid message (cut inside a field), then a tag without its value.
                writer.Raw(valid.AsSpan(0, valid.Length == 0 ? 0 : random.Next(valid.Length)).ToArray());
                writer.Tag(number, WireFormat.WireType.LengthDelimited);
                break;
            default:
                // Field number 0, and the invalid wire types 6 and 7.
                writer.Raw(valid);
                writer.Varint((ulong)(((random.Next(2) == 0 ? 0 : number) << 3) | random.Next(6, 8)));
                writer.Raw([0x01, 0x02]);
                break;
        }

        return writer.ToArray();
    }

    /// <summary>An encoding of one length-delimited field (a bytes field of <paramref name="length"/> zero bytes).</summary>
    public static byte[] BytesField(int number, int length)
    {
        var writer = new Wire();
        writer.Tag(number, WireFormat.WireType.LengthDelimited);
        writer.Varint((ulong)length);
        writer.Raw(new byte[length]);
        return writer.ToArray();
    }

    private static WireFormat.WireType Wrong(FieldDescriptor field, Random random)
    {
        var right = field.IsPacked ? WireFormat.WireType.LengthDelimited : field.FieldType switch
        {
            FieldType.String or FieldType.Bytes or FieldType.Message => WireFormat.WireType.LengthDelimited,
            FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => WireFormat.WireType.Fixed64,
            FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => WireFormat.WireType.Fixed32,
            FieldType.Group => WireFormat.WireType.StartGroup,
            _ => WireFormat.WireType.Varint,
        };
        var others = new[] { WireFormat.WireType.Varint, WireFormat.WireType.Fixed64, WireFormat.WireType.LengthDelimited, WireFormat.WireType.Fixed32 }
            .Where(w => w != right).ToArray();
        return others[random.Next(others.Length)];
    }

    private static void WriteAny(Wire writer, int number, WireFormat.WireType wireType, Random random)
    {
        writer.Tag(number, wireType);
        var bytes = new byte[wireType switch
        {
            WireFormat.WireType.Fixed64 => 8,
            WireFormat.WireType.Fixed32 => 4,
            WireFormat.WireType.Varint => 0,
            _ => random.Next(0, 64),
        }];
        random.NextBytes(bytes);
        if (wireType == WireFormat.WireType.Varint)
        {
            writer.Varint((ulong)random.NextInt64());
            return;
        }

        if (wireType == WireFormat.WireType.LengthDelimited)
        {
            writer.Varint((ulong)bytes.Length);
        }

        writer.Raw(bytes);
    }

    /// <summary>Protobuf's wire format written by hand, so that it can say what no encoder would.</summary>
    private sealed class Wire
    {
        private readonly List<byte> _bytes = [];

        public void Raw(byte[] bytes) => _bytes.AddRange(bytes);

        public void Tag(int number, WireFormat.WireType type) => Varint(((ulong)(uint)number << 3) | (uint)type);

        public void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.Add((byte)value);
        }

        public byte[] ToArray() => [.. _bytes];
    }

    private static IMessage Fill(MessageDescriptor type, Random random, int depth, int maxDepth)
    {
        var message = type.Parser.ParseFrom(ByteString.Empty);
        foreach (var field in type.Fields.InDeclarationOrder())
        {
            if (field.IsMap || (field.FieldType == FieldType.Message && depth >= maxDepth))
            {
                continue;
            }

            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    list.Add(Value(field, random, depth, maxDepth));
                }
            }
            else if (field.RealContainingOneof is null || random.Next(2) == 0 || field.RealContainingOneof.Accessor.GetCaseFieldDescriptor(message) is null)
            {
                field.Accessor.SetValue(message, Value(field, random, depth, maxDepth));
            }
        }

        return message;
    }

    private static object Value(FieldDescriptor field, Random random, int depth, int maxDepth) => field.FieldType switch
    {
        FieldType.String => "v" + random.Next(1, 1_000_000).ToString(CultureInfo.InvariantCulture),
        FieldType.Bytes => ByteString.CopyFrom([(byte)random.Next(1, 256)]),
        FieldType.Bool => true,
        FieldType.Enum => field.EnumType.Values.Where(v => v.Number != 0).Select(v => v.Number).DefaultIfEmpty(1).ElementAt(random.Next(Math.Max(1, field.EnumType.Values.Count(v => v.Number != 0)))),
        FieldType.Double => random.NextDouble() + 1,
        FieldType.Float => (float)random.NextDouble() + 1,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long)random.Next(1, int.MaxValue),
        FieldType.UInt64 or FieldType.Fixed64 => (ulong)random.Next(1, int.MaxValue),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)random.Next(1, int.MaxValue),
        FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName => new Timestamp { Seconds = random.Next(1, int.MaxValue) },
        FieldType.Message => Fill(field.MessageType, random, depth + 1, maxDepth),
        _ => random.Next(1, int.MaxValue),
    };
}
