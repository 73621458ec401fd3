using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal sealed partial class Conv2DLayer
{
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs)
    {
        var d = (ConvolutionDetails)layer.Details;
        Shapes.Window w = d.Window;
        return "onnx.Conv2D(" + Name(layer) + ", " + inputs[0] + ", "
            + Ints(d.Filters, d.KernelHeight, d.KernelWidth, w.StrideHeight, w.StrideWidth, d.DilationHeight, d.DilationWidth, w.PadTop, w.PadBottom, w.PadLeft, w.PadRight)
            + ", " + Tensor(layer, "kernel") + ", " + Tensor(layer, "bias") + Activation(layer) + ")";
    }
}
