using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal sealed partial class UpSampling2DLayer
{
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs)
    {
        var d = (UpSamplingDetails)layer.Details;
        return "onnx.UpSampling2D(" + Name(layer) + ", " + inputs[0] + ", " + Ints(d.SizeHeight, d.SizeWidth) + ", Interpolation." + d.Interpolation + ")";
    }
}

internal abstract partial class BorderLayer
{
    /// <summary>ZeroPadding2D and Cropping2D: top, bottom, left, right.</summary>
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs)
    {
        var d = (BorderDetails)layer.Details;
        return "onnx." + ClassName + "(" + Name(layer) + ", " + inputs[0] + ", " + Ints(d.Top, d.Bottom, d.Left, d.Right) + ")";
    }
}
