using System.Collections.Generic;
using static NetDsl.Generator.Layers.OnnxArguments;

namespace NetDsl.Generator.Layers;

internal sealed partial class DepthwiseConv2DLayer
{
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs)
    {
        var d = (DepthwiseDetails)layer.Details;
        Shapes.Window w = d.Window;
        return "onnx.DepthwiseConv2D(" + Name(layer) + ", " + inputs[0] + ", "
            + Ints(d.Multiplier, d.KernelHeight, d.KernelWidth, w.StrideHeight, w.StrideWidth, d.DilationHeight, d.DilationWidth, w.PadTop, w.PadBottom, w.PadLeft, w.PadRight)
            + ", " + Tensor(layer, "depthwise_kernel") + ", " + Tensor(layer, "bias") + Activation(layer) + ")";
    }
}

internal sealed partial class SeparableConv2DLayer
{
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs)
    {
        var d = (DepthwiseDetails)layer.Details;
        Shapes.Window w = d.Window;
        return "onnx.SeparableConv2D(" + Name(layer) + ", " + inputs[0] + ", "
            + Ints(d.Filters, d.Multiplier, d.KernelHeight, d.KernelWidth, w.StrideHeight, w.StrideWidth, d.DilationHeight, d.DilationWidth, w.PadTop, w.PadBottom, w.PadLeft, w.PadRight)
            + ", " + Tensor(layer, "depthwise_kernel") + ", " + Tensor(layer, "pointwise_kernel") + ", " + Tensor(layer, "bias") + Activation(layer) + ")";
    }
}

internal sealed partial class Conv2DTransposeLayer
{
    public override string OnnxCall(LayerModel layer, IReadOnlyList<string> inputs)
    {
        var d = (TransposeDetails)layer.Details;
        Shapes.Window w = d.Window;
        return "onnx.Conv2DTranspose(" + Name(layer) + ", " + inputs[0] + ", "
            + Ints(d.Filters, w.Height, w.Width, w.StrideHeight, w.StrideWidth, w.PadTop, w.PadBottom, w.PadLeft, w.PadRight, layer.Output.Height, layer.Output.Width)
            + ", " + Tensor(layer, "kernel") + ", " + Tensor(layer, "bias") + Activation(layer) + ")";
    }
}
