using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace NetDsl.Interop;

/// <summary>The protobuf wire types this writer emits.</summary>
internal enum WireType
{
    /// <summary>A base-128 varint (int32, int64, uint64, bool, enum).</summary>
    Varint = 0,

    /// <summary>Eight little-endian bytes (fixed64, double).</summary>
    Fixed64 = 1,

    /// <summary>A varint length, then that many bytes (string, bytes, nested messages, packed repeated fields).</summary>
    LengthDelimited = 2,

    /// <summary>Four little-endian bytes (fixed32, float).</summary>
    Fixed32 = 5,
}

/// <summary>
/// A minimal protobuf wire-format writer into a growable buffer: tags, varints, fixed-width values, strings and
/// bytes, packed repeated int64 and float, and nested messages between <see cref="BeginMessage"/> and
/// <see cref="EndMessage"/> (the length, unknown until the message ends, is written in front of it then).
/// Enough for ONNX's <c>ModelProto</c>; no reflection, no schema.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly Stack<int> openMessages = new();
    private byte[] buffer;
    private int length;

    public ProtoWriter(int capacity = 256) => buffer = new byte[Math.Max(capacity, 16)];

    /// <summary>The bytes written so far (valid until the next write).</summary>
    public ReadOnlySpan<byte> WrittenSpan => buffer.AsSpan(0, length);

    /// <summary>Bytes written so far.</summary>
    public int Length => length;

    /// <summary>Copies the written bytes to <paramref name="stream"/>; every message must be ended.</summary>
    public void CopyTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (openMessages.Count > 0)
        {
            throw new InvalidOperationException($"{openMessages.Count} nested message(s) were begun and not ended.");
        }

        stream.Write(buffer, 0, length);
    }

    /// <summary>The written bytes as a new array; every message must be ended.</summary>
    public byte[] ToArray()
    {
        if (openMessages.Count > 0)
        {
            throw new InvalidOperationException($"{openMessages.Count} nested message(s) were begun and not ended.");
        }

        return buffer.AsSpan(0, length).ToArray();
    }

    /// <summary>A field's key: <c>(field &lt;&lt; 3) | wire type</c>, as a varint.</summary>
    public void WriteTag(int field, WireType type)
    {
        if (field < 1 || field > 536_870_911)
        {
            throw new ArgumentOutOfRangeException(nameof(field), field, "Protobuf field numbers run from 1 to 2^29 - 1.");
        }

        WriteVarint(((ulong)field << 3) | (uint)type);
    }

    /// <summary>Seven bits a byte, least significant group first, the high bit set on every byte but the last.</summary>
    public void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            buffer[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[length++] = (byte)value;
    }

    /// <summary>An int64 (or int32: protobuf sign-extends it) field as a varint; negative values take ten bytes.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A float field (fixed32, little-endian IEEE 754).</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        WriteFixed32(BitConverter.SingleToUInt32Bits(value));
    }

    /// <summary>A double field (fixed64, little-endian IEEE 754).</summary>
    public void WriteDouble(int field, double value)
    {
        WriteTag(field, WireType.Fixed64);
        WriteFixed64(BitConverter.DoubleToUInt64Bits(value));
    }

    /// <summary>Four little-endian bytes, no tag.</summary>
    public void WriteFixed32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(length), value);
        length += 4;
    }

    /// <summary>Eight little-endian bytes, no tag.</summary>
    public void WriteFixed64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(length), value);
        length += 8;
    }

    /// <summary>A string field, UTF-8.</summary>
    public void WriteString(int field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int byteCount = Encoding.UTF8.GetByteCount(value);
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)byteCount);
        Ensure(byteCount);
        length += Encoding.UTF8.GetBytes(value, buffer.AsSpan(length));
    }

    /// <summary>A bytes field.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        Ensure(value.Length);
        value.CopyTo(buffer.AsSpan(length));
        length += value.Length;
    }

    /// <summary>A bytes field holding <paramref name="values"/> as little-endian IEEE 754 floats (ONNX's
    /// <c>raw_data</c>).</summary>
    public void WriteFloatBytes(int field, ReadOnlySpan<float> values)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)values.Length * 4);
        WriteFloatsRaw(values);
    }

    /// <summary>A packed repeated int64 field: one length-delimited record of varints (nothing when empty).</summary>
    public void WritePackedInt64(int field, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        int size = 0;
        foreach (long value in values)
        {
            size += VarintSize((ulong)value);
        }

        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)size);
        foreach (long value in values)
        {
            WriteVarint((ulong)value);
        }
    }

    /// <summary>A packed repeated float field: one length-delimited record of fixed32 values (nothing when empty).</summary>
    public void WritePackedFloat(int field, ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)values.Length * 4);
        WriteFloatsRaw(values);
    }

    /// <summary>Starts a nested message in <paramref name="field"/>; everything written until the matching
    /// <see cref="EndMessage"/> is its content.</summary>
    public void BeginMessage(int field)
    {
        WriteTag(field, WireType.LengthDelimited);

        // One byte is kept for the length, enough below 128 bytes; a longer message moves over when it ends.
        Ensure(1);
        length++;
        openMessages.Push(length);
    }

    /// <summary>Ends the innermost open message, writing its length in front of it.</summary>
    public void EndMessage()
    {
        if (openMessages.Count == 0)
        {
            throw new InvalidOperationException("No nested message is open.");
        }

        int start = openMessages.Pop();
        int size = length - start;
        int lengthSize = VarintSize((ulong)size);
        if (lengthSize > 1)
        {
            Ensure(lengthSize - 1);
            buffer.AsSpan(start, size).CopyTo(buffer.AsSpan(start + lengthSize - 1));
            length += lengthSize - 1;
        }

        int at = start - 1;
        ulong value = (ulong)size;
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[at] = (byte)value;
    }

    /// <summary>Bytes a varint of <paramref name="value"/> takes: 1 to 10.</summary>
    public static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private void WriteFloatsRaw(ReadOnlySpan<float> values)
    {
        Ensure(checked(values.Length * 4));
        Span<byte> target = buffer.AsSpan(length, values.Length * 4);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(target.Slice(i * 4), values[i]);
        }

        length += values.Length * 4;
    }

    private void Ensure(int more)
    {
        long needed = (long)length + more;
        if (needed <= buffer.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException("The message is too large to hold in memory (protobuf messages are limited to 2 GB).");
        }

        long grown = Math.Max(needed, Math.Min((long)buffer.Length * 2, Array.MaxLength));
        Array.Resize(ref buffer, (int)grown);
    }
}
