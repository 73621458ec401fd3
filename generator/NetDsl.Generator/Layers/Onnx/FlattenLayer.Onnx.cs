using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal sealed partial class FlattenLayer
{
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs) => "onnx.Flatten(" + Name(layer) + ", " + inputs[0] + ")";
}

internal sealed partial class ReshapeLayer
{
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs) =>
        "onnx.Reshape(" + Name(layer) + ", " + inputs[0] + ", "
        + (layer.Output.Rank == 3 ? Ints(layer.Output.Height, layer.Output.Width, layer.Output.Channels) : Ints(layer.Output.Length)) + ")";
}
