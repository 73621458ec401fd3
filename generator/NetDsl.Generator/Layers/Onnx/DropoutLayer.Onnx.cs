using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal partial class DropoutLayer
{
    /// <summary>Dropout and SpatialDropout2D: nothing at inference.</summary>
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs) =>
        "onnx." + ClassName + "(" + Name(layer) + ", " + inputs[0] + ")";
}
