using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal partial class ActivationLayer
{
    /// <summary>Activation and LeakyReLU alike: the activation (with its slope) on its own.</summary>
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs) =>
        "onnx.Activation(" + Name(layer) + ", " + inputs[0] + Activation(layer) + (layer.Activation == NetDsl.Activation.None ? ", Activation.None" : string.Empty) + ")";
}
