using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Layers.PyTorchSyntax;

namespace NetDsl.Generator.Layers;

internal sealed partial class Conv2DLayer
{
    /// <summary><c>nn.Conv2d</c>; Keras's <c>same</c> padding as the module's when even, else <c>F.pad</c> first.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        var d = (ConvolutionDetails)layer.Details;
        Window w = d.Window;
        return new PyTorchLayer
        {
            Module = "nn.Conv2d(" + Int(layer.Input.Channels) + ", " + Int(d.Filters) + ", " + Size(d.KernelHeight, d.KernelWidth)
                + (w.StrideHeight != 1 || w.StrideWidth != 1 ? ", stride=" + Size(w.StrideHeight, w.StrideWidth) : string.Empty)
                + (IsSymmetric(w) ? PaddingArgument(w) : string.Empty)
                + (d.IsDilated ? ", dilation=" + Size(d.DilationHeight, d.DilationWidth) : string.Empty)
                + (d.UseBias ? string.Empty : ", bias=False") + ")",
            Forward = (x, m) => m + "(" + PadUnevenly(x[0], w) + ")",
            Note = IsSymmetric(w) ? null : UnevenPaddingNote(layer, w),
            Initialization = m => layer.Find("kernel")!.Constant is { } constant ? ConstantInitialization(m, layer, constant, d.UseBias) : KernelAndBiasInitialization(m, d.UseBias),
            Tensors = d.UseBias
                ? new[] { new PyTorchTensor("kernel", "weight", PyTorchLayouts.Convolution), new PyTorchTensor("bias", "bias", PyTorchLayouts.Same) }
                : new[] { new PyTorchTensor("kernel", "weight", PyTorchLayouts.Convolution) },
        };
    }

    /// <summary>Glorot-uniform weight (PyTorch's fans are Keras's for these layouts) and a zero bias.</summary>
    public static string[] KernelAndBiasInitialization(string module, bool useBias) => useBias
        ? new[] { "nn.init.xavier_uniform_(" + module + ".weight)", "nn.init.zeros_(" + module + ".bias)" }
        : new[] { "nn.init.xavier_uniform_(" + module + ".weight)" };

    /// <summary>A constant kernel (Keras's layout in the source, permuted to PyTorch's) and a zero bias.</summary>
    private static IEnumerable<string> ConstantInitialization(string module, LayerModel layer, ConstantTensor constant, bool useBias)
    {
        var shape = layer.Find("kernel")!.Shape;
        yield return "with torch.no_grad():  # " + constant.Note;
        yield return "    " + module + ".weight.copy_(torch.tensor([" + string.Join(", ", constant.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))
            + "], dtype=torch.float32).reshape(" + string.Join(", ", shape.Select(n => Int(n))) + ").permute(3, 2, 0, 1))";
        if (useBias)
        {
            yield return "nn.init.zeros_(" + module + ".bias)";
        }
    }

    /// <summary>Why a step pads before its module: <c>conv2d: Keras's 'same' pads 0/1/0/1 (top/bottom/left/right)</c>.</summary>
    public static string UnevenPaddingNote(LayerModel layer, Window w) =>
        layer.Name + ": Keras's 'same' pads " + w.PadTop + "/" + w.PadBottom + "/" + w.PadLeft + "/" + w.PadRight + " (top/bottom/left/right)";
}
