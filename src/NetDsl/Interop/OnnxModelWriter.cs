using System;

namespace NetDsl.Interop;

/// <summary>
/// Serialises an <see cref="OnnxGraph"/> as an ONNX <c>ModelProto</c> (onnx/onnx.proto): IR version 8, the default
/// operator set at <see cref="Opset"/>, producer <c>NetDsl</c>. Initializers are FLOAT (raw little-endian bytes)
/// or INT64 (packed); graph inputs and outputs are float tensors with a symbolic batch dimension.
/// </summary>
internal static class OnnxModelWriter
{
    /// <summary>The IR version written (the format of 2021-07-30, read by every current runtime).</summary>
    public const long IrVersion = 8;

    /// <summary>The version of the default (<c>ai.onnx</c>) operator set the graph uses: single-axis Softmax,
    /// Clip, Pad, Slice and Resize with their bounds as inputs, Erf.</summary>
    public const long Opset = 13;

    /// <summary>The name of the symbolic batch dimension of the graph's inputs and outputs.</summary>
    public const string BatchDimension = "N";

    public const string ProducerName = "NetDsl";

    // ModelProto
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelGraph = 7, ModelOpsetImport = 8;

    // OperatorSetIdProto
    private const int OpsetDomain = 1, OpsetVersion = 2;

    // GraphProto
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;

    // NodeProto
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;

    // AttributeProto
    private const int AttributeName = 1, AttributeF = 2, AttributeI = 3, AttributeS = 4, AttributeFloats = 7, AttributeInts = 8, AttributeType = 20;

    // TensorProto
    private const int TensorDims = 1, TensorDataType = 2, TensorInt64Data = 7, TensorName = 8, TensorRawData = 9;

    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensorType = 1;
    private const int TensorTypeElemType = 1, TensorTypeShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1, DimParam = 2;

    /// <summary>The <c>ModelProto</c> bytes of <paramref name="graph"/>.</summary>
    public static ProtoWriter Write(OnnxGraph graph)
    {
        var w = new ProtoWriter(EstimateSize(graph));
        w.WriteInt64(ModelIrVersion, IrVersion);
        w.WriteString(ModelProducerName, ProducerName);
        w.BeginMessage(ModelGraph);
        WriteGraph(w, graph);
        w.EndMessage();
        w.BeginMessage(ModelOpsetImport);
        w.WriteString(OpsetDomain, string.Empty);
        w.WriteInt64(OpsetVersion, Opset);
        w.EndMessage();
        return w;
    }

    private static int EstimateSize(OnnxGraph graph)
    {
        long bytes = 4096;
        foreach (OnnxTensor t in graph.Initializers)
        {
            bytes += (t.Floats?.Length ?? 0) * 4L + (t.Int64s?.Length ?? 0) * 10L + 64;
        }

        bytes += graph.Nodes.Count * 128L;
        return (int)Math.Min(bytes, Array.MaxLength);
    }

    private static void WriteGraph(ProtoWriter w, OnnxGraph graph)
    {
        foreach (OnnxNode node in graph.Nodes)
        {
            w.BeginMessage(GraphNode);
            WriteNode(w, node);
            w.EndMessage();
        }

        w.WriteString(GraphName, graph.Name);
        foreach (OnnxTensor tensor in graph.Initializers)
        {
            w.BeginMessage(GraphInitializer);
            WriteTensor(w, tensor);
            w.EndMessage();
        }

        foreach (OnnxValueInfo input in graph.Inputs)
        {
            w.BeginMessage(GraphInput);
            WriteValueInfo(w, input);
            w.EndMessage();
        }

        foreach (OnnxValueInfo output in graph.Outputs)
        {
            w.BeginMessage(GraphOutput);
            WriteValueInfo(w, output);
            w.EndMessage();
        }
    }

    private static void WriteNode(ProtoWriter w, OnnxNode node)
    {
        foreach (string input in node.Inputs)
        {
            w.WriteString(NodeInput, input);
        }

        foreach (string output in node.Outputs)
        {
            w.WriteString(NodeOutput, output);
        }

        w.WriteString(NodeName, node.Name);
        w.WriteString(NodeOpType, node.OpType);
        foreach (OnnxAttribute attribute in node.Attributes)
        {
            w.BeginMessage(NodeAttribute);
            WriteAttribute(w, attribute);
            w.EndMessage();
        }
    }

    private static void WriteAttribute(ProtoWriter w, OnnxAttribute a)
    {
        w.WriteString(AttributeName, a.Name);
        switch (a.Type)
        {
            case OnnxAttributeType.Float:
                w.WriteFloat(AttributeF, a.Float);
                break;
            case OnnxAttributeType.Int:
                w.WriteInt64(AttributeI, a.Int);
                break;
            case OnnxAttributeType.String:
                w.WriteString(AttributeS, a.Text!);
                break;
            case OnnxAttributeType.Floats:
                w.WritePackedFloat(AttributeFloats, a.Floats);
                break;
            case OnnxAttributeType.Ints:
                w.WritePackedInt64(AttributeInts, a.Ints);
                break;
            default:
                throw new InvalidOperationException($"Attribute type {a.Type} is not written.");
        }

        w.WriteInt64(AttributeType, (long)a.Type);
    }

    private static void WriteTensor(ProtoWriter w, OnnxTensor t)
    {
        w.WritePackedInt64(TensorDims, t.Dims);
        w.WriteInt64(TensorDataType, (long)t.DataType);
        w.WriteString(TensorName, t.Name);
        if (t.Floats is not null)
        {
            w.WriteFloatBytes(TensorRawData, t.Floats);
        }
        else
        {
            w.WritePackedInt64(TensorInt64Data, t.Int64s);
        }
    }

    private static void WriteValueInfo(ProtoWriter w, OnnxValueInfo value)
    {
        w.WriteString(ValueInfoName, value.Name);
        w.BeginMessage(ValueInfoType);
        w.BeginMessage(TypeTensorType);
        w.WriteInt64(TensorTypeElemType, (long)OnnxDataType.Float);
        w.BeginMessage(TensorTypeShape);
        w.BeginMessage(ShapeDim);
        w.WriteString(DimParam, BatchDimension);
        w.EndMessage();
        foreach (int dim in value.Dims)
        {
            w.BeginMessage(ShapeDim);
            w.WriteInt64(DimValue, dim);
            w.EndMessage();
        }

        w.EndMessage();
        w.EndMessage();
        w.EndMessage();
    }
}
