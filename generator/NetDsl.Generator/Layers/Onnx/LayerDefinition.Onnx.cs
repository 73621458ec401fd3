using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Emit;
using static NetDsl.Generator.Model.Identifiers;

namespace NetDsl.Generator.Layers;

internal abstract partial class LayerDefinition
{
    /// <summary>
    /// The layer's call on the ONNX builder (<c>NetDsl.Interop.OnnxExport</c>, the local <c>onnx</c> in the
    /// generated <c>ExportOnnx</c>): an expression that adds its nodes and gives the name of its output value.
    /// <paramref name="inputs"/> are the C# names of the values it reads, in order; tensors are read from the
    /// parameters <c>p</c>, in Keras's layouts (the builder converts them).
    /// </summary>
    public abstract string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs);
}

/// <summary>Pieces of the generated builder calls.</summary>
internal static class OnnxArguments
{
    /// <summary>The layer's name as a C# literal: the ONNX value (and node) name.</summary>
    public static string Name(LayerModel layer) => Literal(layer.Name);

    /// <summary>A tensor of the layer, or <c>default</c> (an empty span: no such tensor).</summary>
    public static string Tensor(LayerModel layer, string role) => PassWriter.ParameterOrDefault(layer, role);

    /// <summary>The fused activation: <c>, Activation.ReLU</c>, with LeakyReLU's slope; nothing when linear.</summary>
    public static string Activation(LayerModel layer) => layer.Activation switch
    {
        NetDsl.Activation.None => string.Empty,
        NetDsl.Activation.LeakyReLU => ", " + Activations.Member(layer.Activation) + ", " + Float(layer.Slope),
        _ => ", " + Activations.Member(layer.Activation),
    };

    /// <summary>Several C# integers: <c>3, 3, 1, 1</c>.</summary>
    public static string Ints(params int[] values) => string.Join(", ", values.Select(v => Int(v)));
}
