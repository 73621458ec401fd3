using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal sealed partial class BatchNormalizationLayer
{
    /// <summary>The inference form: the moving statistics (gamma and beta empty when the layer has none).</summary>
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs) =>
        "onnx.BatchNormalization(" + Name(layer) + ", " + inputs[0] + ", " + Tensor(layer, "gamma") + ", " + Tensor(layer, "beta") + ", "
        + Tensor(layer, "moving_mean") + ", " + Tensor(layer, "moving_variance") + ", " + Model.Identifiers.Float(((BatchNormDetails)layer.Details).Epsilon) + ")";
}
