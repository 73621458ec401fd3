using System;
using System.Linq;
using NetDsl.Interop;

namespace NetDsl.Runtime.Tests.Interop;

/// <summary>
/// The protobuf wire format byte by byte, against the examples of the protobuf encoding guide
/// (protobuf.dev/programming-guides/encoding) and sequences worked out by hand from its rules.
/// </summary>
public sealed class ProtoWriterTests
{
    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(150UL, new byte[] { 0x96, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(16_384UL, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Varints_take_seven_bits_a_byte_least_significant_first(ulong value, byte[] expected)
    {
        var w = new ProtoWriter();
        w.WriteVarint(value);
        Assert.Equal(expected, w.ToArray());
        Assert.Equal(expected.Length, ProtoWriter.VarintSize(value));
    }

    [Fact]
    public void An_int64_field_is_its_tag_then_a_varint_and_a_negative_one_takes_ten_bytes()
    {
        var w = new ProtoWriter();
        w.WriteInt64(1, 150);   // the guide's first example: 08 96 01
        w.WriteInt64(2, -1);    // tag 0x10, then -1 as 64-bit two's complement
        w.WriteInt64(20, 7);    // field 20: key 160 = A0 01
        Assert.Equal(
            new byte[] { 0x08, 0x96, 0x01, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0xA0, 0x01, 0x07 },
            w.ToArray());
    }

    [Fact]
    public void Strings_floats_and_doubles_follow_the_wire_types()
    {
        var w = new ProtoWriter();
        w.WriteString(2, "testing");   // the guide's example: 12 07 74 65 73 74 69 6e 67
        w.WriteFloat(2, 1f);           // key (2 << 3) | 5 = 0x15, then 00 00 80 3F
        w.WriteDouble(3, -2.0);        // key (3 << 3) | 1 = 0x19, then 00 .. 00 C0
        Assert.Equal(
            new byte[]
            {
                0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67,
                0x15, 0x00, 0x00, 0x80, 0x3F,
                0x19, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0,
            },
            w.ToArray());
    }

    [Fact]
    public void Packed_repeated_fields_are_one_length_delimited_record()
    {
        var w = new ProtoWriter();
        w.WritePackedInt64(4, new long[] { 3, 270, 86942 });    // the guide's example: 22 06 03 8E 02 9E A7 05
        w.WritePackedFloat(7, new[] { 1f, -2f });               // 3A 08, then 00 00 80 3F 00 00 00 C0
        w.WritePackedInt64(8, ReadOnlySpan<long>.Empty);        // nothing at all
        w.WriteFloatBytes(9, new[] { 0.5f });                   // bytes: 4A 04 00 00 00 3F
        Assert.Equal(
            new byte[]
            {
                0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05,
                0x3A, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0,
                0x4A, 0x04, 0x00, 0x00, 0x00, 0x3F,
            },
            w.ToArray());
    }

    [Fact]
    public void A_nested_message_is_its_length_then_its_content()
    {
        var w = new ProtoWriter();
        w.BeginMessage(3);      // the guide's example: 1A 03 08 96 01
        w.WriteInt64(1, 150);
        w.EndMessage();
        w.BeginMessage(1);      // an empty message: 0A 00
        w.EndMessage();
        w.BeginMessage(5);      // two levels: 2A 04 (12 02 (08 01))
        w.BeginMessage(2);
        w.WriteInt64(1, 1);
        w.EndMessage();
        w.EndMessage();
        Assert.Equal(new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01, 0x0A, 0x00, 0x2A, 0x04, 0x12, 0x02, 0x08, 0x01 }, w.ToArray());
    }

    [Fact]
    public void A_long_nested_message_moves_over_for_its_longer_length()
    {
        byte[] content = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        var w = new ProtoWriter(capacity: 16);
        w.BeginMessage(1);
        w.BeginMessage(2);
        w.WriteBytes(3, content);   // 1A C8 01 + 200 bytes = 203
        w.EndMessage();             // 12 CB 01 + 203 = 206
        w.EndMessage();             // 0A CE 01 + 206
        w.WriteInt64(4, 1);
        byte[] bytes = w.ToArray();
        Assert.Equal(new byte[] { 0x0A, 0xCE, 0x01, 0x12, 0xCB, 0x01, 0x1A, 0xC8, 0x01 }, bytes.Take(9).ToArray());
        Assert.Equal(content, bytes.Skip(9).Take(200).ToArray());
        Assert.Equal(new byte[] { 0x20, 0x01 }, bytes.Skip(209).ToArray());
    }

    [Fact]
    public void Unbalanced_messages_and_bad_field_numbers_throw()
    {
        var w = new ProtoWriter();
        Assert.Throws<InvalidOperationException>(() => w.EndMessage());
        w.BeginMessage(1);
        Assert.Throws<InvalidOperationException>(() => w.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WriteTag(0, WireType.Varint));
    }
}
