using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal sealed partial class DenseLayer
{
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs) =>
        "onnx.Dense(" + Name(layer) + ", " + inputs[0] + ", " + Ints(((DenseDetails)layer.Details).Units) + ", " + Tensor(layer, "kernel") + ", " + Tensor(layer, "bias") + Activation(layer) + ")";
}
