using System;
using System.Collections.Generic;

namespace NetDsl.Interop;

/// <summary>ONNX's <c>TensorProto.DataType</c> values this exporter uses.</summary>
internal enum OnnxDataType
{
    Float = 1,
    Int64 = 7,
}

/// <summary>ONNX's <c>AttributeProto.AttributeType</c> values this exporter uses.</summary>
internal enum OnnxAttributeType
{
    Float = 1,
    Int = 2,
    String = 3,
    Floats = 6,
    Ints = 7,
}

/// <summary>A node attribute: one of a float, an int, a string, floats or ints.</summary>
internal sealed record OnnxAttribute(string Name, OnnxAttributeType Type, float Float = 0, long Int = 0, string? Text = null, float[]? Floats = null, long[]? Ints = null)
{
    public static OnnxAttribute OfFloat(string name, float value) => new(name, OnnxAttributeType.Float, Float: value);

    public static OnnxAttribute OfInt(string name, long value) => new(name, OnnxAttributeType.Int, Int: value);

    public static OnnxAttribute OfString(string name, string value) => new(name, OnnxAttributeType.String, Text: value);

    public static OnnxAttribute OfInts(string name, params long[] values) => new(name, OnnxAttributeType.Ints, Ints: values);

    public static OnnxAttribute OfFloats(string name, params float[] values) => new(name, OnnxAttributeType.Floats, Floats: values);
}

/// <summary>One operator application: <c>outputs = OpType(inputs; attributes)</c>. An empty input name is an
/// omitted optional input.</summary>
internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);

/// <summary>A constant tensor (an initializer): float values, or int64 values (shapes, pads, slice bounds).</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, float[]? Floats = null, long[]? Int64s = null)
{
    public OnnxDataType DataType => Floats is not null ? OnnxDataType.Float : OnnxDataType.Int64;
}

/// <summary>A graph input or output: a float tensor whose first dimension is the symbolic batch size
/// (<see cref="OnnxModelWriter.BatchDimension"/>), then <see cref="Dims"/>.</summary>
internal sealed record OnnxValueInfo(string Name, int[] Dims);

/// <summary>Everything a <c>GraphProto</c> holds, in the order it is written.</summary>
internal sealed class OnnxGraph
{
    public OnnxGraph(string name) => Name = name;

    public string Name { get; }

    public List<OnnxNode> Nodes { get; } = new();

    public List<OnnxTensor> Initializers { get; } = new();

    public List<OnnxValueInfo> Inputs { get; } = new();

    public List<OnnxValueInfo> Outputs { get; } = new();
}
