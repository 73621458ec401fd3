using System;
using System.Collections.Generic;
using System.Text;

namespace NetDsl.Generator.Onnx;

/// <summary>A file that is not a well-formed ONNX model: what is wrong, and where.</summary>
internal sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string message)
        : base(message)
    {
    }
}

/// <summary>The four encodings a protobuf field can have on the wire.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// Reads one protobuf message from a byte range, field by field: the tag (field number and wire type), then the
/// value through the method for its type. Every read is bounds-checked and every malformed byte sequence becomes an
/// <see cref="OnnxFormatException"/> naming the offset; the groups of proto2 (wire types 3 and 4) are refused, as
/// ONNX never writes them. A nested message is read by a reader over its own range.
/// </summary>
internal sealed class ProtoReader
{
    /// <summary>Nesting deeper than this is refused (ONNX models nest a handful of levels; a hostile file could
    /// nest until the stack overflows).</summary>
    public const int MaxDepth = 64;

    private readonly byte[] _data;
    private readonly int _end;
    private readonly int _depth;
    private int _position;
    private WireType _wireType;

    public ProtoReader(byte[] data)
        : this(data, 0, data.Length, 0)
    {
    }

    private ProtoReader(byte[] data, int start, int end, int depth)
    {
        _data = data;
        _position = start;
        _end = end;
        _depth = depth;
    }

    /// <summary>The wire type of the field whose tag was read last.</summary>
    public WireType WireType => _wireType;

    /// <summary>Reads the next field's tag: false at the end of the message.</summary>
    public bool TryReadTag(out int field)
    {
        field = 0;
        if (_position >= _end)
        {
            return false;
        }

        int at = _position;
        ulong tag = ReadRawVarint();
        int wire = (int)(tag & 7);
        if (wire is not (0 or 1 or 2 or 5))
        {
            throw Malformed(at, $"field with wire type {wire}, which ONNX never writes (groups or an unknown encoding)");
        }

        ulong number = tag >> 3;
        if (number is 0 or > 536_870_911)
        {
            throw Malformed(at, $"field number {number}, outside 1 to 536,870,911");
        }

        field = (int)number;
        _wireType = (WireType)wire;
        return true;
    }

    /// <summary>Skips the value of the field whose tag was read last (a field this reader does not know).</summary>
    public void Skip()
    {
        switch (_wireType)
        {
            case WireType.Varint:
                ReadRawVarint();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
            default:
                Advance(ReadLength());
                break;
        }
    }

    /// <summary>An <c>int64</c> (or <c>int32</c>, <c>enum</c>, <c>bool</c>) field.</summary>
    public long ReadInt64()
    {
        Expect(WireType.Varint);
        return unchecked((long)ReadRawVarint());
    }

    /// <summary>An <c>int32</c> or <c>enum</c> field, which must fit 32 bits (negative values are written as
    /// 64-bit varints).</summary>
    public int ReadInt32()
    {
        int at = _position;
        long value = ReadInt64();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw Malformed(at, $"a 32-bit field holds {value}");
        }

        return (int)value;
    }

    /// <summary>A <c>float</c> field.</summary>
    public float ReadFloat()
    {
        Expect(WireType.Fixed32);
        return ReadRawFloat();
    }

    /// <summary>A <c>double</c> field.</summary>
    public double ReadDouble()
    {
        Expect(WireType.Fixed64);
        return ReadRawDouble();
    }

    /// <summary>A <c>string</c> field (UTF-8).</summary>
    public string ReadString()
    {
        int at = _position;
        (int start, int length) = ReadRange();
        try
        {
            return new UTF8Encoding(false, true).GetString(_data, start, length);
        }
        catch (ArgumentException)
        {
            throw Malformed(at, "a string that is not valid UTF-8");
        }
    }

    /// <summary>A <c>bytes</c> field.</summary>
    public byte[] ReadBytes()
    {
        (int start, int length) = ReadRange();
        var bytes = new byte[length];
        Buffer.BlockCopy(_data, start, bytes, 0, length);
        return bytes;
    }

    /// <summary>A nested message: a reader over its bytes.</summary>
    public ProtoReader ReadMessage()
    {
        int at = _position;
        if (_depth + 1 > MaxDepth)
        {
            throw Malformed(at, $"messages nested more than {MaxDepth} deep");
        }

        (int start, int length) = ReadRange();
        return new ProtoReader(_data, start, start + length, _depth + 1);
    }

    /// <summary>One element of a repeated <c>int64</c> field, or all of them when they are packed.</summary>
    public void ReadInt64s(List<long> values)
    {
        if (_wireType != WireType.LengthDelimited)
        {
            values.Add(ReadInt64());
            return;
        }

        ProtoReader packed = ReadPacked();
        while (packed._position < packed._end)
        {
            values.Add(unchecked((long)packed.ReadRawVarint()));
        }
    }

    /// <summary>One element of a repeated <c>int32</c> field, or all of them when they are packed.</summary>
    public void ReadInt32s(List<int> values)
    {
        if (_wireType != WireType.LengthDelimited)
        {
            values.Add(ReadInt32());
            return;
        }

        ProtoReader packed = ReadPacked();
        while (packed._position < packed._end)
        {
            int at = packed._position;
            long value = unchecked((long)packed.ReadRawVarint());
            if (value is < int.MinValue or > int.MaxValue)
            {
                throw packed.Malformed(at, $"a 32-bit field holds {value}");
            }

            values.Add((int)value);
        }
    }

    /// <summary>One element of a repeated <c>float</c> field, or all of them when they are packed.</summary>
    public void ReadFloats(List<float> values)
    {
        if (_wireType != WireType.LengthDelimited)
        {
            values.Add(ReadFloat());
            return;
        }

        ProtoReader packed = ReadPacked(4);
        while (packed._position < packed._end)
        {
            values.Add(packed.ReadRawFloat());
        }
    }

    /// <summary>One element of a repeated <c>double</c> field, or all of them when they are packed.</summary>
    public void ReadDoubles(List<double> values)
    {
        if (_wireType != WireType.LengthDelimited)
        {
            values.Add(ReadDouble());
            return;
        }

        ProtoReader packed = ReadPacked(8);
        while (packed._position < packed._end)
        {
            values.Add(packed.ReadRawDouble());
        }
    }

    private ProtoReader ReadPacked(int elementSize = 1)
    {
        int at = _position;
        (int start, int length) = ReadRange();
        if (length % elementSize != 0)
        {
            throw Malformed(at, $"a packed field of {Bytes(length)}, not a whole number of {elementSize}-byte values");
        }

        return new ProtoReader(_data, start, start + length, _depth);
    }

    private void Expect(WireType wireType)
    {
        if (_wireType != wireType)
        {
            throw Malformed(_position, $"a field written as {_wireType} where its type needs {wireType}");
        }
    }

    /// <summary>The range of a length-delimited value, after checking it fits the message.</summary>
    private (int Start, int Length) ReadRange()
    {
        Expect(WireType.LengthDelimited);
        int length = ReadLength();
        int start = _position;
        Advance(length);
        return (start, length);
    }

    private int ReadLength()
    {
        int at = _position;
        ulong length = ReadRawVarint();
        if (length > (ulong)(_end - _position))
        {
            throw Malformed(at, $"a length of {Bytes((long)length)}, past the end of its message ({Bytes(_end - _position)} left)");
        }

        return (int)length;
    }

    private void Advance(int count)
    {
        if (count > _end - _position)
        {
            throw Malformed(_position, $"a value of {Bytes(count)}, past the end of its message ({Bytes(_end - _position)} left)");
        }

        _position += count;
    }

    private ulong ReadRawVarint()
    {
        int at = _position;
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _end)
            {
                throw Malformed(at, "a number cut off by the end of its message");
            }

            byte b = _data[_position++];
            if (shift == 63 && b > 1)
            {
                throw Malformed(at, "a number longer than 64 bits");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Malformed(at, "a number longer than 10 bytes");
    }

    private float ReadRawFloat()
    {
        int at = _position;
        Advance(4);
        return LittleEndian.Single(_data, at);
    }

    private double ReadRawDouble()
    {
        int at = _position;
        Advance(8);
        return LittleEndian.Double(_data, at);
    }

    private OnnxFormatException Malformed(int offset, string what) => new($"Byte {offset}: {what}.");

    /// <summary><c>1 byte</c>, <c>5 bytes</c>.</summary>
    public static string Bytes(long count) => count == 1 ? "1 byte" : count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes";
}

/// <summary>Little-endian numbers from a byte array, whatever the machine's byte order.</summary>
internal static class LittleEndian
{
    public static int Int32(byte[] data, int offset) =>
        data[offset] | (data[offset + 1] << 8) | (data[offset + 2] << 16) | (data[offset + 3] << 24);

    public static long Int64(byte[] data, int offset) =>
        (uint)Int32(data, offset) | ((long)Int32(data, offset + 4) << 32);

    public static float Single(byte[] data, int offset)
    {
        int bits = Int32(data, offset);
        return BitConverter.ToSingle(BitConverter.GetBytes(bits), 0);
    }

    public static double Double(byte[] data, int offset) => BitConverter.Int64BitsToDouble(Int64(data, offset));

    /// <summary>An IEEE 754 half-precision value.</summary>
    public static float Half(int bits)
    {
        int sign = (bits >> 15) & 1, exponent = (bits >> 10) & 0x1F, mantissa = bits & 0x3FF;
        double value = exponent switch
        {
            0 => mantissa * Math.Pow(2, -24),
            0x1F => mantissa == 0 ? double.PositiveInfinity : double.NaN,
            _ => (1 + (mantissa / 1024.0)) * Math.Pow(2, exponent - 15),
        };
        return (float)(sign == 1 ? -value : value);
    }

    /// <summary>A bfloat16 value: the upper half of a float.</summary>
    public static float BFloat16(int bits) => BitConverter.ToSingle(BitConverter.GetBytes((bits & 0xFFFF) << 16), 0);
}
