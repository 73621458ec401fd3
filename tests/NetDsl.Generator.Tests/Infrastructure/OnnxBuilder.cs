using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// Writes small ONNX models for tests, field by field in protobuf's wire format (field numbers from onnx.proto),
/// so a test can build exactly the graph it is about: an unsupported operator, an odd padding, a layout change.
/// </summary>
internal sealed class OnnxBuilder
{
    private readonly List<byte[]> _nodes = new();
    private readonly List<byte[]> _initializers = new();
    private readonly List<byte[]> _inputs = new();
    private readonly List<byte[]> _outputs = new();
    private readonly long _opset;

    public OnnxBuilder(long opset = 13)
    {
        _opset = opset;
    }

    /// <summary>A float input; a negative size is the symbolic batch size <c>n</c>.</summary>
    public OnnxBuilder Input(string name, params long[] dims)
    {
        _inputs.Add(ValueInfo(name, dims));
        return this;
    }

    public OnnxBuilder Output(string name, params long[] dims)
    {
        _outputs.Add(ValueInfo(name, dims));
        return this;
    }

    /// <summary>A FLOAT initializer in raw_data.</summary>
    public OnnxBuilder Initializer(string name, long[] dims, float[] values)
    {
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        _initializers.Add(Message(w => w.Packed(1, dims).Varint(2, 1).Bytes(8, Encoding.UTF8.GetBytes(name)).Bytes(9, raw)));
        return this;
    }

    /// <summary>An INT64 initializer in int64_data.</summary>
    public OnnxBuilder Integers(string name, params long[] values)
    {
        _initializers.Add(Message(w => w.Packed(1, new long[] { values.Length }).Varint(2, 7).Packed(7, values).Bytes(8, Encoding.UTF8.GetBytes(name))));
        return this;
    }

    /// <summary>A node; attributes are (name, value) with a long, long[], float or string value.</summary>
    public OnnxBuilder Node(string opType, string name, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        _nodes.Add(Message(w =>
        {
            foreach (string input in inputs)
            {
                w.Bytes(1, Encoding.UTF8.GetBytes(input));
            }

            foreach (string output in outputs)
            {
                w.Bytes(2, Encoding.UTF8.GetBytes(output));
            }

            w.Bytes(3, Encoding.UTF8.GetBytes(name)).Bytes(4, Encoding.UTF8.GetBytes(opType));
            foreach ((string attribute, object value) in attributes)
            {
                w.Bytes(5, Attribute(attribute, value));
            }
        }));
        return this;
    }

    public byte[] Build()
    {
        byte[] graph = Message(w =>
        {
            _nodes.ForEach(n => w.Bytes(1, n));
            w.Bytes(2, Encoding.UTF8.GetBytes("test"));
            _initializers.ForEach(i => w.Bytes(5, i));
            _inputs.ForEach(i => w.Bytes(11, i));
            _outputs.ForEach(o => w.Bytes(12, o));
        });
        return Message(w => w.Varint(1, 8).Bytes(2, Encoding.UTF8.GetBytes("test")).Bytes(7, graph).Bytes(8, Message(o => o.Bytes(1, Array.Empty<byte>()).Varint(2, _opset))));
    }

    private static byte[] Attribute(string name, object value) => Message(w =>
    {
        w.Bytes(1, Encoding.UTF8.GetBytes(name));
        switch (value)
        {
            case long i:
                w.Varint(3, i).Varint(20, 2);
                break;
            case int i:
                w.Varint(3, i).Varint(20, 2);
                break;
            case long[] ints:
                w.Packed(8, ints).Varint(20, 7);
                break;
            case float f:
                w.Fixed32(2, f).Varint(20, 1);
                break;
            case string s:
                w.Bytes(4, Encoding.UTF8.GetBytes(s)).Varint(20, 3);
                break;
            default:
                throw new ArgumentException(value.GetType().Name);
        }
    });

    private static byte[] ValueInfo(string name, long[] dims) => Message(w => w.Bytes(1, Encoding.UTF8.GetBytes(name)).Bytes(2, Message(t =>
        t.Bytes(1, Message(tensor => tensor.Varint(1, 1).Bytes(2, Message(shape =>
        {
            foreach (long d in dims)
            {
                shape.Bytes(1, d < 0 ? Message(x => x.Bytes(2, Encoding.UTF8.GetBytes("n"))) : Message(x => x.Varint(1, d)));
            }
        })))))));

    private static byte[] Message(Action<ProtoWriter> write)
    {
        var writer = new ProtoWriter();
        write(writer);
        return writer.ToArray();
    }

    /// <summary>Protobuf's wire format, the parts the builder needs.</summary>
    private sealed class ProtoWriter
    {
        private readonly MemoryStream _stream = new();

        public ProtoWriter Varint(int field, long value)
        {
            Tag(field, 0);
            Raw(unchecked((ulong)value));
            return this;
        }

        public ProtoWriter Fixed32(int field, float value)
        {
            Tag(field, 5);
            _stream.Write(BitConverter.GetBytes(value));
            return this;
        }

        public ProtoWriter Bytes(int field, byte[] value)
        {
            Tag(field, 2);
            Raw((ulong)value.Length);
            _stream.Write(value);
            return this;
        }

        public ProtoWriter Packed(int field, IEnumerable<long> values)
        {
            var inner = new ProtoWriter();
            foreach (long v in values)
            {
                inner.Raw(unchecked((ulong)v));
            }

            return Bytes(field, inner.ToArray());
        }

        public byte[] ToArray() => _stream.ToArray();

        private void Tag(int field, int wire) => Raw((ulong)((field << 3) | wire));

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }
    }
}
