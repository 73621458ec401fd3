using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal abstract partial class Pooling2DLayer
{
    /// <summary>MaxPooling2D and AveragePooling2D, with NetDsl's resolved pads (average pooling never counts them).</summary>
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs)
    {
        Shapes.Window w = ((PoolingDetails)layer.Details).Window;
        return "onnx." + ClassName + "(" + Name(layer) + ", " + inputs[0] + ", "
            + Ints(w.Height, w.Width, w.StrideHeight, w.StrideWidth, w.PadTop, w.PadBottom, w.PadLeft, w.PadRight) + ")";
    }
}

internal abstract partial class GlobalPooling2DLayer
{
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs) => "onnx." + ClassName + "(" + Name(layer) + ", " + inputs[0] + ")";
}
