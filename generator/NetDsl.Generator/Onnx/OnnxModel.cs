using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Onnx;

/// <summary>ONNX's tensor element types (<c>TensorProto.DataType</c>), those NetDsl reads and a few it names in
/// messages.</summary>
internal enum OnnxDataType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    BFloat16 = 16,
}

/// <summary>The kinds of attribute value (<c>AttributeProto.AttributeType</c>).</summary>
internal enum OnnxAttributeType
{
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Graph = 5,
    Floats = 6,
    Ints = 7,
    Strings = 8,
    Tensors = 9,
    Graphs = 10,
    SparseTensor = 11,
    SparseTensors = 12,
    TypeProto = 13,
    TypeProtos = 14,
}

/// <summary>
/// The parts of an ONNX <c>ModelProto</c> an importer of convolutional networks needs, read by
/// <see cref="ProtoReader"/> (field numbers as in onnx.proto). Other fields are skipped; a malformed file throws
/// <see cref="OnnxFormatException"/>.
/// </summary>
/// <param name="IrVersion">The IR version (<c>ir_version</c>, field 1).</param>
/// <param name="Opsets">The operator sets it imports (<c>opset_import</c>, field 8).</param>
/// <param name="Graph">The graph (field 7).</param>
/// <param name="ProducerName">The tool that wrote it (<c>producer_name</c>, field 2): <c>pytorch</c>, <c>tf2onnx</c>.</param>
internal sealed record OnnxModel(long IrVersion, IReadOnlyList<OnnxOpset> Opsets, OnnxGraph Graph, string ProducerName)
{
    /// <summary>The version of the default (<c>ai.onnx</c>) operator set, or 0 when none is imported.</summary>
    public long DefaultOpset => Opsets.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    public static OnnxModel Parse(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new OnnxFormatException("The file is empty.");
        }

        var reader = new ProtoReader(bytes);
        long irVersion = 0;
        string producer = string.Empty;
        var opsets = new List<OnnxOpset>();
        OnnxGraph? graph = null;
        while (reader.TryReadTag(out int field))
        {
            switch (field)
            {
                case 1: irVersion = reader.ReadInt64(); break;
                case 2: producer = reader.ReadString(); break;
                case 7: graph = OnnxGraph.Read(reader.ReadMessage()); break;
                case 8: opsets.Add(OnnxOpset.Read(reader.ReadMessage())); break;
                default: reader.Skip(); break;
            }
        }

        if (graph is null)
        {
            throw new OnnxFormatException("The file has no graph: it is not an ONNX model.");
        }

        return new OnnxModel(irVersion, opsets, graph, producer);
    }
}

/// <summary>An imported operator set (<c>OperatorSetIdProto</c>): domain (field 1, empty for ai.onnx) and version
/// (field 2).</summary>
internal sealed record OnnxOpset(string Domain, long Version)
{
    public static OnnxOpset Read(ProtoReader reader)
    {
        string domain = string.Empty;
        long version = 0;
        while (reader.TryReadTag(out int field))
        {
            switch (field)
            {
                case 1: domain = reader.ReadString(); break;
                case 2: version = reader.ReadInt64(); break;
                default: reader.Skip(); break;
            }
        }

        return new OnnxOpset(domain, version);
    }
}

/// <summary>A <c>GraphProto</c>: nodes (field 1, in topological order), name (2), initializers (5), inputs (11),
/// outputs (12) and the shapes of intermediate values (<c>value_info</c>, 13).</summary>
internal sealed record OnnxGraph(
    string Name,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxTensor> Initializers,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs,
    IReadOnlyList<OnnxValueInfo> ValueInfo)
{
    public static OnnxGraph Read(ProtoReader reader)
    {
        string name = string.Empty;
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxTensor>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        var valueInfo = new List<OnnxValueInfo>();
        while (reader.TryReadTag(out int field))
        {
            switch (field)
            {
                case 1: nodes.Add(OnnxNode.Read(reader.ReadMessage())); break;
                case 2: name = reader.ReadString(); break;
                case 5: initializers.Add(OnnxTensor.Read(reader.ReadMessage())); break;
                case 11: inputs.Add(OnnxValueInfo.Read(reader.ReadMessage())); break;
                case 12: outputs.Add(OnnxValueInfo.Read(reader.ReadMessage())); break;
                case 13: valueInfo.Add(OnnxValueInfo.Read(reader.ReadMessage())); break;
                default: reader.Skip(); break;
            }
        }

        return new OnnxGraph(name, nodes, initializers, inputs, outputs, valueInfo);
    }
}

/// <summary>A <c>NodeProto</c>: inputs (field 1; an empty name is an omitted optional input), outputs (2), name
/// (3), operator (4), attributes (5) and operator domain (7).</summary>
internal sealed record OnnxNode(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<OnnxAttribute> Attributes)
{
    public OnnxAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    public static OnnxNode Read(ProtoReader reader)
    {
        string name = string.Empty, opType = string.Empty, domain = string.Empty;
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new List<OnnxAttribute>();
        while (reader.TryReadTag(out int field))
        {
            switch (field)
            {
                case 1: inputs.Add(reader.ReadString()); break;
                case 2: outputs.Add(reader.ReadString()); break;
                case 3: name = reader.ReadString(); break;
                case 4: opType = reader.ReadString(); break;
                case 5: attributes.Add(OnnxAttribute.Read(reader.ReadMessage())); break;
                case 7: domain = reader.ReadString(); break;
                default: reader.Skip(); break;
            }
        }

        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }
}

/// <summary>An <c>AttributeProto</c>: name (field 1), type (20) and the value of that type: f (2), i (3), s (4),
/// t (5), floats (7), ints (8), strings (9). Graphs and sparse tensors are skipped (their type is kept, so an
/// importer can say it does not read them).</summary>
internal sealed record OnnxAttribute(
    string Name,
    OnnxAttributeType Type,
    float F,
    long I,
    byte[] S,
    OnnxTensor? T,
    IReadOnlyList<float> Floats,
    IReadOnlyList<long> Ints,
    IReadOnlyList<byte[]> Strings)
{
    /// <summary>The string value as text (attribute strings are UTF-8).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(S);

    public static OnnxAttribute Read(ProtoReader reader)
    {
        string name = string.Empty;
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = Array.Empty<byte>();
        OnnxTensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        var strings = new List<byte[]>();
        while (reader.TryReadTag(out int field))
        {
            switch (field)
            {
                case 1: name = reader.ReadString(); break;
                case 2: f = reader.ReadFloat(); break;
                case 3: i = reader.ReadInt64(); break;
                case 4: s = reader.ReadBytes(); break;
                case 5: t = OnnxTensor.Read(reader.ReadMessage()); break;
                case 7: reader.ReadFloats(floats); break;
                case 8: reader.ReadInt64s(ints); break;
                case 9: strings.Add(reader.ReadBytes()); break;
                case 20: type = reader.ReadInt32(); break;
                default: reader.Skip(); break;
            }
        }

        return new OnnxAttribute(name, (OnnxAttributeType)type, f, i, s, t, floats, ints, strings);
    }
}

/// <summary>
/// A <c>TensorProto</c>: name (field 8), dims (1), data type (2) and its values, from <c>raw_data</c> (9,
/// little-endian) or the typed fields <c>float_data</c> (4), <c>int32_data</c> (5; also FLOAT16 and BFLOAT16 bits,
/// and the small integer types), <c>int64_data</c> (7), <c>double_data</c> (10), <c>uint64_data</c> (11).
/// Numbers are kept as doubles (every value of the types read is exact there, but for INT64 beyond 2^53, which
/// no shape or index reaches); a tensor of another type, or whose data is stored outside the file
/// (<c>data_location</c> 14 = EXTERNAL), has <see cref="Unreadable"/> saying why.
/// </summary>
internal sealed record OnnxTensor(string Name, long[] Dims, OnnxDataType DataType, double[] Values, string? Unreadable)
{
    /// <summary>Number of elements the dims describe (1 for a scalar).</summary>
    public long ElementCount => Dims.Aggregate(1L, (product, d) => product * d);

    public bool IsReadable => Unreadable is null;

    /// <summary>The values as floats (weights).</summary>
    public float[] ToFloats() => Values.Select(v => (float)v).ToArray();

    /// <summary>The values as integers (shapes, axes, indices).</summary>
    public long[] ToInt64s() => Values.Select(v => (long)v).ToArray();

    /// <summary>Refuses more elements than any tensor of a convolutional network holds, so a hostile length
    /// cannot make the reader allocate gigabytes.</summary>
    public const long MaxElements = 1L << 28;

    public static OnnxTensor Read(ProtoReader reader)
    {
        string name = string.Empty;
        var dims = new List<long>();
        int dataType = 0;
        byte[]? raw = null;
        var floats = new List<float>();
        var int32s = new List<int>();
        var int64s = new List<long>();
        var doubles = new List<double>();
        var uint64s = new List<long>();
        bool external = false;
        while (reader.TryReadTag(out int field))
        {
            switch (field)
            {
                case 1: reader.ReadInt64s(dims); break;
                case 2: dataType = reader.ReadInt32(); break;
                case 4: reader.ReadFloats(floats); break;
                case 5: reader.ReadInt32s(int32s); break;
                case 7: reader.ReadInt64s(int64s); break;
                case 8: name = reader.ReadString(); break;
                case 9: raw = reader.ReadBytes(); break;
                case 10: reader.ReadDoubles(doubles); break;
                case 11: reader.ReadInt64s(uint64s); break;
                case 14: external = reader.ReadInt32() == 1; break;
                default: reader.Skip(); break;
            }
        }

        var type = (OnnxDataType)dataType;
        long[] shape = dims.ToArray();
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new OnnxFormatException($"Tensor '{name}' has the negative size {d} in its dims [{string.Join(", ", shape)}].");
            }

            count *= d;
            if (count > MaxElements)
            {
                throw new OnnxFormatException($"Tensor '{name}' has dims [{string.Join(", ", shape)}], more than {MaxElements:N0} values.");
            }
        }

        if (external)
        {
            return new OnnxTensor(name, shape, type, Array.Empty<double>(), "its data is stored in an external file, which NetDsl does not read (save the model with its weights inside)");
        }

        int size = ElementSize(type);
        if (size == 0)
        {
            return new OnnxTensor(name, shape, type, Array.Empty<double>(), $"its elements are {TypeName(type)}, which NetDsl does not read");
        }

        double[] values = raw is not null ? FromRaw(name, raw, type, size)
            : type switch
            {
                OnnxDataType.Float => floats.Select(f => (double)f).ToArray(),
                OnnxDataType.Double => doubles.ToArray(),
                OnnxDataType.Int64 => int64s.Select(v => (double)v).ToArray(),
                OnnxDataType.UInt32 or OnnxDataType.UInt64 => uint64s.Select(v => (double)unchecked((ulong)v)).ToArray(),
                OnnxDataType.Float16 => int32s.Select(v => (double)LittleEndian.Half(v & 0xFFFF)).ToArray(),
                OnnxDataType.BFloat16 => int32s.Select(v => (double)LittleEndian.BFloat16(v)).ToArray(),
                OnnxDataType.UInt8 or OnnxDataType.UInt16 => int32s.Select(v => (double)(v & (type == OnnxDataType.UInt8 ? 0xFF : 0xFFFF))).ToArray(),
                _ => int32s.Select(v => (double)v).ToArray(),
            };
        if (values.Length != count)
        {
            throw new OnnxFormatException($"Tensor '{name}' has dims [{string.Join(", ", shape)}] ({count:N0} values) but holds {values.Length:N0} {TypeName(type)} values.");
        }

        return new OnnxTensor(name, shape, type, values, null);
    }

    /// <summary>Bytes per element of the types read, 0 for the others.</summary>
    private static int ElementSize(OnnxDataType type) => type switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.Double or OnnxDataType.Int64 or OnnxDataType.UInt64 => 8,
        OnnxDataType.Float16 or OnnxDataType.BFloat16 or OnnxDataType.Int16 or OnnxDataType.UInt16 => 2,
        OnnxDataType.Int8 or OnnxDataType.UInt8 or OnnxDataType.Bool => 1,
        _ => 0,
    };

    private static double[] FromRaw(string name, byte[] raw, OnnxDataType type, int size)
    {
        if (raw.Length % size != 0)
        {
            throw new OnnxFormatException($"Tensor '{name}' has {ProtoReader.Bytes(raw.Length)} of raw data, not a whole number of {size}-byte {TypeName(type)} values.");
        }

        var values = new double[raw.Length / size];
        for (int k = 0; k < values.Length; k++)
        {
            int at = k * size;
            values[k] = type switch
            {
                OnnxDataType.Float => LittleEndian.Single(raw, at),
                OnnxDataType.Double => LittleEndian.Double(raw, at),
                OnnxDataType.Int64 => LittleEndian.Int64(raw, at),
                OnnxDataType.UInt64 => unchecked((ulong)LittleEndian.Int64(raw, at)),
                OnnxDataType.Int32 => LittleEndian.Int32(raw, at),
                OnnxDataType.UInt32 => (uint)LittleEndian.Int32(raw, at),
                OnnxDataType.Float16 => LittleEndian.Half(raw[at] | (raw[at + 1] << 8)),
                OnnxDataType.BFloat16 => LittleEndian.BFloat16(raw[at] | (raw[at + 1] << 8)),
                OnnxDataType.Int16 => (short)(raw[at] | (raw[at + 1] << 8)),
                OnnxDataType.UInt16 => raw[at] | (raw[at + 1] << 8),
                OnnxDataType.Int8 => (sbyte)raw[at],
                _ => raw[at],
            };
        }

        return values;
    }

    /// <summary>ONNX's name of a data type: <c>FLOAT</c>, <c>INT64</c>.</summary>
    public static string TypeName(OnnxDataType type) => type switch
    {
        OnnxDataType.UInt8 => "UINT8",
        OnnxDataType.Int8 => "INT8",
        OnnxDataType.UInt16 => "UINT16",
        OnnxDataType.Int16 => "INT16",
        OnnxDataType.Int32 => "INT32",
        OnnxDataType.Int64 => "INT64",
        OnnxDataType.UInt32 => "UINT32",
        OnnxDataType.UInt64 => "UINT64",
        OnnxDataType.Float16 => "FLOAT16",
        OnnxDataType.BFloat16 => "BFLOAT16",
        OnnxDataType.Undefined => "UNDEFINED",
        _ when Enum.IsDefined(typeof(OnnxDataType), type) => type.ToString().ToUpperInvariant(),
        _ => "type " + (int)type,
    };
}

/// <summary>A <c>ValueInfoProto</c>: name (field 1) and, for a tensor type (<c>TypeProto.tensor_type</c>, field
/// 1), its element type (1) and shape (2: <c>dim</c> 1, each a <c>dim_value</c> 1 or <c>dim_param</c> 2).</summary>
/// <param name="Dims">The dimensions, or null when the shape is not given.</param>
internal sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<OnnxDimension>? Dims)
{
    public static OnnxValueInfo Read(ProtoReader reader)
    {
        string name = string.Empty;
        OnnxDataType elementType = OnnxDataType.Undefined;
        List<OnnxDimension>? dims = null;
        while (reader.TryReadTag(out int field))
        {
            if (field == 1)
            {
                name = reader.ReadString();
            }
            else if (field == 2)
            {
                ProtoReader type = reader.ReadMessage();
                while (type.TryReadTag(out int typeField))
                {
                    if (typeField == 1)
                    {
                        (elementType, dims) = ReadTensorType(type.ReadMessage());
                    }
                    else
                    {
                        type.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return new OnnxValueInfo(name, elementType, dims);
    }

    private static (OnnxDataType, List<OnnxDimension>?) ReadTensorType(ProtoReader reader)
    {
        OnnxDataType elementType = OnnxDataType.Undefined;
        List<OnnxDimension>? dims = null;
        while (reader.TryReadTag(out int field))
        {
            if (field == 1)
            {
                elementType = (OnnxDataType)reader.ReadInt32();
            }
            else if (field == 2)
            {
                dims = new List<OnnxDimension>();
                ProtoReader shape = reader.ReadMessage();
                while (shape.TryReadTag(out int shapeField))
                {
                    if (shapeField == 1)
                    {
                        dims.Add(OnnxDimension.Read(shape.ReadMessage()));
                    }
                    else
                    {
                        shape.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return (elementType, dims);
    }
}

/// <summary>One dimension of a value's shape: a size (<c>dim_value</c>), a symbol (<c>dim_param</c>, the batch
/// axis usually), or neither.</summary>
internal sealed record OnnxDimension(long? Value, string? Param)
{
    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";

    public static OnnxDimension Read(ProtoReader reader)
    {
        long? value = null;
        string? param = null;
        while (reader.TryReadTag(out int field))
        {
            switch (field)
            {
                case 1: value = reader.ReadInt64(); break;
                case 2: param = reader.ReadString(); break;
                default: reader.Skip(); break;
            }
        }

        return new OnnxDimension(value, param);
    }
}
