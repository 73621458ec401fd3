using System;

namespace NetDsl.Interop;

/// <summary>The weighted layers: Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose and Dense.</summary>
public sealed partial class OnnxExport
{
    /// <summary>
    /// Keras <c>Conv2D</c>: an ONNX <c>Conv</c> (NCHW) with <paramref name="kernel"/> in Keras's layout
    /// <c>[kh, kw, in, filters]</c> and <paramref name="bias"/> <c>[filters]</c> (empty: no bias), then
    /// <paramref name="activation"/>. The padding is explicit, as NetDsl resolved it (Keras <c>same</c> puts the odd
    /// pixel at the bottom/right); a dilated kernel is padded for its dilated extent.
    /// </summary>
    public string Conv2D(
        string name, string input, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int dilationHeight, int dilationWidth, int padTop, int padBottom, int padLeft, int padRight,
        ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Activation activation = NetDsl.Activation.None,
        float negativeSlope = Kernels.ActivationKernels.DefaultLeakyReLUSlope)
    {
        Value x = GetMap(input, "Conv2D");
        Positive(filters, nameof(filters));
        var window = new ConvWindow(kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padBottom, padLeft, padRight);
        (int outHeight, int outWidth) = window.OutputSize(x, "Conv2D");
        Length(kernel, (long)kernelHeight * kernelWidth * x.Channels * filters, nameof(kernel), $"The Conv2D kernel [{kernelHeight}, {kernelWidth}, {x.Channels}, {filters}]");
        BiasLength(bias, filters);
        string w = Initializer(name + "/kernel", new long[] { filters, x.Channels, kernelHeight, kernelWidth }, ConvolutionKernel(kernel, kernelHeight, kernelWidth, x.Channels, filters));
        string[] inputs = bias.IsEmpty ? new[] { ChannelsFirst(x).Name, w } : new[] { ChannelsFirst(x).Name, w, Initializer(name + "/bias", new long[] { filters }, bias.ToArray()) };
        Value z = Node(new Value(name, Layout.ChannelsFirst, outHeight, outWidth, filters), LinearName(name, activation, "/conv"), "Conv", inputs, window.Attributes(group: 1));
        return Activate(name, z, activation, negativeSlope).Name;
    }

    /// <summary>
    /// Keras <c>DepthwiseConv2D</c>: a grouped <c>Conv</c> (one group per input channel) with
    /// <paramref name="depthwiseKernel"/> <c>[kh, kw, in, multiplier]</c>; output channel <c>c * multiplier + m</c>
    /// is input channel c under kernel m. <paramref name="bias"/> is <c>[in * multiplier]</c> or empty.
    /// </summary>
    public string DepthwiseConv2D(
        string name, string input, int depthMultiplier, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int dilationHeight, int dilationWidth, int padTop, int padBottom, int padLeft, int padRight,
        ReadOnlySpan<float> depthwiseKernel, ReadOnlySpan<float> bias, Activation activation = NetDsl.Activation.None,
        float negativeSlope = Kernels.ActivationKernels.DefaultLeakyReLUSlope)
    {
        Value x = GetMap(input, "DepthwiseConv2D");
        var window = new ConvWindow(kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padBottom, padLeft, padRight);
        Value z = Depthwise(name, x, depthMultiplier, window, depthwiseKernel, bias, LinearName(name, activation, "/conv"), "DepthwiseConv2D");
        return Activate(name, z, activation, negativeSlope).Name;
    }

    /// <summary>
    /// Keras <c>SeparableConv2D</c>: the depthwise step (<paramref name="depthwiseKernel"/>
    /// <c>[kh, kw, in, multiplier]</c>, no bias, value <c>name/depthwise</c>) then a pointwise 1x1 <c>Conv</c>
    /// (<paramref name="pointwiseKernel"/> <c>[1, 1, in * multiplier, filters]</c>, <paramref name="bias"/>
    /// <c>[filters]</c> or empty), then <paramref name="activation"/>.
    /// </summary>
    public string SeparableConv2D(
        string name, string input, int filters, int depthMultiplier, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int dilationHeight, int dilationWidth, int padTop, int padBottom, int padLeft, int padRight,
        ReadOnlySpan<float> depthwiseKernel, ReadOnlySpan<float> pointwiseKernel, ReadOnlySpan<float> bias,
        Activation activation = NetDsl.Activation.None, float negativeSlope = Kernels.ActivationKernels.DefaultLeakyReLUSlope)
    {
        Value x = GetMap(input, "SeparableConv2D");
        Positive(filters, nameof(filters));
        var window = new ConvWindow(kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padBottom, padLeft, padRight);
        Value d = Depthwise(name, x, depthMultiplier, window, depthwiseKernel, default, name + "/depthwise", "SeparableConv2D");
        Length(pointwiseKernel, (long)d.Channels * filters, nameof(pointwiseKernel), $"The SeparableConv2D pointwise kernel [1, 1, {d.Channels}, {filters}]");
        BiasLength(bias, filters);
        string w = Initializer(name + "/pointwise_kernel", new long[] { filters, d.Channels, 1, 1 }, ConvolutionKernel(pointwiseKernel, 1, 1, d.Channels, filters));
        string[] inputs = bias.IsEmpty ? new[] { d.Name, w } : new[] { d.Name, w, Initializer(name + "/bias", new long[] { filters }, bias.ToArray()) };
        Value z = Node(d with { Channels = filters }, LinearName(name, activation, "/pointwise"), "Conv", inputs, OnnxAttribute.OfInts("kernel_shape", 1L, 1L));
        return Activate(name, z, activation, negativeSlope).Name;
    }

    /// <summary>
    /// Keras <c>Conv2DTranspose</c>: an ONNX <c>ConvTranspose</c> with <paramref name="kernel"/> in Keras's layout
    /// <c>[kh, kw, filters, in]</c> and <paramref name="bias"/> <c>[filters]</c> or empty. As in NetDsl it is the
    /// input gradient of the convolution from the output (<paramref name="outputHeight"/> x
    /// <paramref name="outputWidth"/>) back to the input, whose padding the four pads are; output rows and
    /// columns that convolution never read (Keras's <c>valid</c> with a kernel smaller than the stride) come out
    /// as the bias alone.
    /// </summary>
    public string Conv2DTranspose(
        string name, string input, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
        int padTop, int padBottom, int padLeft, int padRight, int outputHeight, int outputWidth,
        ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Activation activation = NetDsl.Activation.None,
        float negativeSlope = Kernels.ActivationKernels.DefaultLeakyReLUSlope)
    {
        Value x = GetMap(input, "Conv2DTranspose");
        Positive(filters, nameof(filters));
        var window = new ConvWindow(kernelHeight, kernelWidth, strideHeight, strideWidth, 1, 1, padTop, padBottom, padLeft, padRight);
        Positive(outputHeight, nameof(outputHeight));
        Positive(outputWidth, nameof(outputWidth));

        // The convolution from the output back must land on the input's size; what it leaves at the bottom and
        // right is ONNX's output_padding.
        (int backHeight, int backWidth) = window.OutputSize(new Value(input, Layout.ChannelsFirst, outputHeight, outputWidth, filters), "Conv2DTranspose");
        if (backHeight != x.Height || backWidth != x.Width)
        {
            throw new ArgumentException($"A {kernelHeight}x{kernelWidth} convolution with strides {strideHeight}x{strideWidth} and padding {padTop}/{padBottom}/{padLeft}/{padRight} takes {outputHeight}x{outputWidth} to {backHeight}x{backWidth}, not to the input's {x.Height}x{x.Width}.", nameof(outputHeight));
        }

        long extraHeight = outputHeight - (((long)(x.Height - 1) * strideHeight) + kernelHeight - padTop - padBottom);
        long extraWidth = outputWidth - (((long)(x.Width - 1) * strideWidth) + kernelWidth - padLeft - padRight);
        Length(kernel, (long)kernelHeight * kernelWidth * filters * x.Channels, nameof(kernel), $"The Conv2DTranspose kernel [{kernelHeight}, {kernelWidth}, {filters}, {x.Channels}]");
        BiasLength(bias, filters);
        string w = Initializer(name + "/kernel", new long[] { x.Channels, filters, kernelHeight, kernelWidth }, TransposedConvolutionKernel(kernel, kernelHeight, kernelWidth, filters, x.Channels));
        string[] inputs = bias.IsEmpty ? new[] { ChannelsFirst(x).Name, w } : new[] { ChannelsFirst(x).Name, w, Initializer(name + "/bias", new long[] { filters }, bias.ToArray()) };
        Value z = Node(new Value(name, Layout.ChannelsFirst, outputHeight, outputWidth, filters), LinearName(name, activation, "/conv_transpose"), "ConvTranspose", inputs,
            OnnxAttribute.OfInts("kernel_shape", kernelHeight, (long)kernelWidth),
            OnnxAttribute.OfInts("strides", strideHeight, (long)strideWidth),
            OnnxAttribute.OfInts("pads", padTop, padLeft, padBottom, (long)padRight),
            OnnxAttribute.OfInts("output_padding", extraHeight, extraWidth));
        return Activate(name, z, activation, negativeSlope).Name;
    }

    /// <summary>
    /// Keras <c>Dense</c> on a vector: an ONNX <c>Gemm</c> with <paramref name="kernel"/> <c>[in, units]</c> (Keras's
    /// layout is already Gemm's B) and <paramref name="bias"/> <c>[units]</c> or empty, then
    /// <paramref name="activation"/>.
    /// </summary>
    public string Dense(
        string name, string input, int units, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Activation activation = NetDsl.Activation.None,
        float negativeSlope = Kernels.ActivationKernels.DefaultLeakyReLUSlope)
    {
        Value x = GetVector(input, "Dense");
        Positive(units, nameof(units));
        Length(kernel, (long)x.Channels * units, nameof(kernel), $"The Dense kernel [{x.Channels}, {units}]");
        BiasLength(bias, units);
        string w = Initializer(name + "/kernel", new long[] { x.Channels, units }, kernel.ToArray());
        string[] inputs = bias.IsEmpty ? new[] { x.Name, w } : new[] { x.Name, w, Initializer(name + "/bias", new long[] { units }, bias.ToArray()) };
        Value z = Node(new Value(name, Layout.Vector, 1, 1, units), LinearName(name, activation, "/gemm"), "Gemm", inputs);
        return Activate(name, z, activation, negativeSlope).Name;
    }

    private Value Depthwise(string name, Value x, int multiplier, ConvWindow window, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, string output, string layer)
    {
        Positive(multiplier, "depthMultiplier");
        (int outHeight, int outWidth) = window.OutputSize(x, layer);
        int depth = checked(x.Channels * multiplier);
        Length(kernel, (long)window.KernelHeight * window.KernelWidth * depth, "depthwiseKernel", $"The {layer} depthwise kernel [{window.KernelHeight}, {window.KernelWidth}, {x.Channels}, {multiplier}]");
        BiasLength(bias, depth);
        string w = Initializer(name + "/depthwise_kernel", new long[] { depth, 1, window.KernelHeight, window.KernelWidth }, DepthwiseKernel(kernel, window.KernelHeight, window.KernelWidth, x.Channels, multiplier));
        string[] inputs = bias.IsEmpty ? new[] { ChannelsFirst(x).Name, w } : new[] { ChannelsFirst(x).Name, w, Initializer(name + "/bias", new long[] { depth }, bias.ToArray()) };
        return Node(new Value(name, Layout.ChannelsFirst, outHeight, outWidth, depth), output, "Conv", inputs, window.Attributes(group: x.Channels));
    }

    /// <summary>The name of a layer's linear step: the layer's own when no activation follows.</summary>
    private static string LinearName(string name, Activation activation, string suffix) => activation == NetDsl.Activation.None ? name : name + suffix;

    private static void BiasLength(ReadOnlySpan<float> bias, int length)
    {
        if (!bias.IsEmpty && bias.Length != length)
        {
            throw new ArgumentException($"The bias needs {length} values (or none); got {bias.Length}.", nameof(bias));
        }
    }

    /// <summary>Keras <c>[kh, kw, in, out]</c> to ONNX <c>[out, in, kh, kw]</c>.</summary>
    private static float[] ConvolutionKernel(ReadOnlySpan<float> kernel, int kh, int kw, int inputs, int outputs)
    {
        var result = new float[kernel.Length];
        for (int i = 0; i < kh; i++)
        {
            for (int j = 0; j < kw; j++)
            {
                for (int c = 0; c < inputs; c++)
                {
                    for (int f = 0; f < outputs; f++)
                    {
                        result[(((((f * inputs) + c) * kh) + i) * kw) + j] = kernel[(((((i * kw) + j) * inputs) + c) * outputs) + f];
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Keras <c>[kh, kw, in, multiplier]</c> to ONNX <c>[in * multiplier, 1, kh, kw]</c>, output channel
    /// <c>c * multiplier + m</c>.</summary>
    private static float[] DepthwiseKernel(ReadOnlySpan<float> kernel, int kh, int kw, int channels, int multiplier)
    {
        var result = new float[kernel.Length];
        for (int i = 0; i < kh; i++)
        {
            for (int j = 0; j < kw; j++)
            {
                for (int c = 0; c < channels; c++)
                {
                    for (int m = 0; m < multiplier; m++)
                    {
                        result[(((((c * multiplier) + m) * kh) + i) * kw) + j] = kernel[(((((i * kw) + j) * channels) + c) * multiplier) + m];
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Keras's transposed-convolution kernel <c>[kh, kw, filters, in]</c> to ONNX's <c>[in, filters, kh, kw]</c>.</summary>
    private static float[] TransposedConvolutionKernel(ReadOnlySpan<float> kernel, int kh, int kw, int filters, int inputs)
    {
        var result = new float[kernel.Length];
        for (int i = 0; i < kh; i++)
        {
            for (int j = 0; j < kw; j++)
            {
                for (int f = 0; f < filters; f++)
                {
                    for (int c = 0; c < inputs; c++)
                    {
                        result[(((((c * filters) + f) * kh) + i) * kw) + j] = kernel[(((((i * kw) + j) * filters) + f) * inputs) + c];
                    }
                }
            }
        }

        return result;
    }

    /// <summary>A convolution's window: kernel, strides, dilation and explicit padding.</summary>
    private readonly record struct ConvWindow(int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth, int PadTop, int PadBottom, int PadLeft, int PadRight)
    {
        /// <summary><c>floor((in + pads - dilated kernel) / stride) + 1</c>; throws when the window does not fit.</summary>
        public (int Height, int Width) OutputSize(Value x, string layer)
        {
            Positive(KernelHeight, "kernelHeight");
            Positive(KernelWidth, "kernelWidth");
            Positive(StrideHeight, "strideHeight");
            Positive(StrideWidth, "strideWidth");
            Positive(DilationHeight, "dilationHeight");
            Positive(DilationWidth, "dilationWidth");
            NonNegative(PadTop, "padTop");
            NonNegative(PadBottom, "padBottom");
            NonNegative(PadLeft, "padLeft");
            NonNegative(PadRight, "padRight");
            long extentHeight = ((long)(KernelHeight - 1) * DilationHeight) + 1, extentWidth = ((long)(KernelWidth - 1) * DilationWidth) + 1;
            long height = (long)x.Height + PadTop + PadBottom - extentHeight, width = (long)x.Width + PadLeft + PadRight - extentWidth;
            if (height < 0 || width < 0)
            {
                throw new ArgumentException($"The {layer} window {extentHeight}x{extentWidth} does not fit the padded {x.Height}x{x.Width} input.", nameof(x));
            }

            return ((int)(height / StrideHeight) + 1, (int)(width / StrideWidth) + 1);
        }

        public OnnxAttribute[] Attributes(int group) => new[]
        {
            OnnxAttribute.OfInts("kernel_shape", KernelHeight, (long)KernelWidth),
            OnnxAttribute.OfInts("strides", StrideHeight, (long)StrideWidth),
            OnnxAttribute.OfInts("dilations", DilationHeight, (long)DilationWidth),
            OnnxAttribute.OfInts("pads", PadTop, PadLeft, PadBottom, (long)PadRight),
            OnnxAttribute.OfInt("group", group),
        };
    }
}
