using System.Collections.Generic;
using NetDsl.Generator.Shapes;
using static NetDsl.Generator.Layers.PyTorchSyntax;

namespace NetDsl.Generator.Layers;

internal abstract partial class DepthwiseLayerBase
{
    /// <summary>The depthwise step: <c>nn.Conv2d</c> with one group per input channel (output channel
    /// <c>c * multiplier + m</c>, as Keras's), and Keras's Glorot fans for <c>[kh, kw, in, multiplier]</c>.</summary>
    protected static string DepthwiseModule(LayerModel layer, bool useBias)
    {
        var d = (DepthwiseDetails)layer.Details;
        Window w = d.Window;
        int channels = layer.Input.Channels;
        return "nn.Conv2d(" + Int(channels) + ", " + Int((long)channels * d.Multiplier) + ", " + Size(d.KernelHeight, d.KernelWidth)
            + (w.StrideHeight != 1 || w.StrideWidth != 1 ? ", stride=" + Size(w.StrideHeight, w.StrideWidth) : string.Empty)
            + (IsSymmetric(w) ? PaddingArgument(w) : string.Empty)
            + (d.DilationHeight != 1 || d.DilationWidth != 1 ? ", dilation=" + Size(d.DilationHeight, d.DilationWidth) : string.Empty)
            + ", groups=" + Int(channels) + (useBias ? string.Empty : ", bias=False") + ")";
    }

    /// <summary>Keras's Glorot-uniform initialisation of the depthwise kernel: its fans are those of
    /// <c>[kh, kw, in, multiplier]</c>, which PyTorch's <c>xavier_uniform_</c> counts differently.</summary>
    protected static string DepthwiseInitialization(LayerModel layer, string weight)
    {
        var d = (DepthwiseDetails)layer.Details;
        long receptive = (long)d.KernelHeight * d.KernelWidth;
        return PyTorchHelper.GlorotUniform.Name + "(" + weight + ", fan_in=" + Int(receptive * layer.Input.Channels) + ", fan_out=" + Int(receptive * d.Multiplier)
            + ")  # Keras's fans of " + Tuple(new[] { d.KernelHeight, d.KernelWidth, layer.Input.Channels, d.Multiplier });
    }
}

internal sealed partial class DepthwiseConv2DLayer
{
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        var d = (DepthwiseDetails)layer.Details;
        Window w = d.Window;
        var tensors = new List<PyTorchTensor> { new("depthwise_kernel", "weight", PyTorchLayouts.Depthwise) };
        if (d.UseBias)
        {
            tensors.Add(new PyTorchTensor("bias", "bias", PyTorchLayouts.Same));
        }

        return new PyTorchLayer
        {
            Module = DepthwiseModule(layer, d.UseBias),
            Forward = (x, m) => m + "(" + PadUnevenly(x[0], w) + ")",
            Note = IsSymmetric(w) ? null : Conv2DLayer.UnevenPaddingNote(layer, w),
            Initialization = m => d.UseBias
                ? new[] { DepthwiseInitialization(layer, m + ".weight"), "nn.init.zeros_(" + m + ".bias)" }
                : new[] { DepthwiseInitialization(layer, m + ".weight") },
            Tensors = tensors,
            Helpers = new[] { PyTorchHelper.GlorotUniform },
        };
    }
}

internal sealed partial class SeparableConv2DLayer
{
    /// <summary>The depthwise step without bias, then the pointwise 1x1 <c>nn.Conv2d</c> with the bias, as an
    /// <c>nn.Sequential</c> of <c>depthwise</c> and <c>pointwise</c>.</summary>
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        var d = (DepthwiseDetails)layer.Details;
        Window w = d.Window;
        int depth = layer.Input.Channels * d.Multiplier;
        var tensors = new List<PyTorchTensor>
        {
            new("depthwise_kernel", "depthwise.weight", PyTorchLayouts.Depthwise),
            new("pointwise_kernel", "pointwise.weight", PyTorchLayouts.Convolution),
        };
        if (d.UseBias)
        {
            tensors.Add(new PyTorchTensor("bias", "pointwise.bias", PyTorchLayouts.Same));
        }

        return new PyTorchLayer
        {
            Module = "nn.Sequential(OrderedDict(\n"
                + "    depthwise=" + DepthwiseModule(layer, useBias: false) + ",\n"
                + "    pointwise=nn.Conv2d(" + Int(depth) + ", " + Int(d.Filters) + ", 1" + (d.UseBias ? string.Empty : ", bias=False") + "),\n"
                + "))",
            Forward = (x, m) => m + "(" + PadUnevenly(x[0], w) + ")",
            Note = IsSymmetric(w) ? null : Conv2DLayer.UnevenPaddingNote(layer, w),
            Initialization = m =>
            {
                var lines = new List<string> { DepthwiseInitialization(layer, m + ".depthwise.weight") };
                lines.AddRange(Conv2DLayer.KernelAndBiasInitialization(m + ".pointwise", d.UseBias));
                return lines;
            },
            Tensors = tensors,
            Helpers = new[] { PyTorchHelper.GlorotUniform },
        };
    }
}

internal sealed partial class Conv2DTransposeLayer
{
    /// <summary>
    /// <c>nn.ConvTranspose2d</c> (weight <c>[in, filters, kh, kw]</c>, the same permutation of Keras's
    /// <c>[kh, kw, filters, in]</c> as a convolution's). Keras's output is rows <c>pad top</c> onwards of the full
    /// transposed convolution, zeros past its end: PyTorch's <c>padding</c> crops the top (left), its
    /// <c>output_padding</c> adds the zeros, and a slice crops the bottom (right) when Keras pads one more there.
    /// </summary>
    public override PyTorchLayer? PyTorch(LayerModel layer)
    {
        var d = (TransposeDetails)layer.Details;
        Window w = d.Window;
        if (!TryAxis(layer.Input.Height, layer.Output.Height, w.Height, w.StrideHeight, w.PadTop, out int outputPaddingHeight, out bool cropHeight)
            || !TryAxis(layer.Input.Width, layer.Output.Width, w.Width, w.StrideWidth, w.PadLeft, out int outputPaddingWidth, out bool cropWidth))
        {
            return null;
        }

        string crop = cropHeight || cropWidth
            ? "[:, :, " + (cropHeight ? ":" + Int(layer.Output.Height) : ":") + ", " + (cropWidth ? ":" + Int(layer.Output.Width) : ":") + "]"
            : string.Empty;
        return new PyTorchLayer
        {
            Module = "nn.ConvTranspose2d(" + Int(layer.Input.Channels) + ", " + Int(d.Filters) + ", " + Size(w.Height, w.Width)
                + (w.StrideHeight != 1 || w.StrideWidth != 1 ? ", stride=" + Size(w.StrideHeight, w.StrideWidth) : string.Empty)
                + (w.PadTop != 0 || w.PadLeft != 0 ? ", padding=" + Size(w.PadTop, w.PadLeft) : string.Empty)
                + (outputPaddingHeight != 0 || outputPaddingWidth != 0 ? ", output_padding=" + Size(outputPaddingHeight, outputPaddingWidth) : string.Empty)
                + (d.UseBias ? string.Empty : ", bias=False") + ")",
            Forward = (x, m) => m + "(" + x[0] + ")" + crop,
            Note = crop.Length == 0 ? null : layer.Name + ": Keras's 'same' crops one more row or column at the bottom or right than at the top or left",
            Initialization = m => Conv2DLayer.KernelAndBiasInitialization(m, d.UseBias),
            Tensors = d.UseBias
                ? new[] { new PyTorchTensor("kernel", "weight", PyTorchLayouts.Convolution), new PyTorchTensor("bias", "bias", PyTorchLayouts.Same) }
                : new[] { new PyTorchTensor("kernel", "weight", PyTorchLayouts.Convolution) },
        };
    }

    /// <summary>
    /// One axis: PyTorch's output with <c>padding = padBefore</c> is <c>(in - 1) * stride + kernel - 2 * padBefore
    /// + output_padding</c> long; Keras's is <paramref name="output"/>. Short by less than the stride: output
    /// padding (zeros, as Keras's); longer: a crop. False when output padding would have to reach the stride.
    /// </summary>
    private static bool TryAxis(int input, int output, int kernel, int stride, int padBefore, out int outputPadding, out bool crop)
    {
        long full = ((long)(input - 1) * stride) + kernel - (2L * padBefore);
        long missing = output - full;
        outputPadding = missing > 0 ? (int)missing : 0;
        crop = missing < 0;
        return missing < stride;
    }
}
