using System;
using System.ComponentModel;

namespace NetDsl.Kernels;

/// <summary>
/// The geometry of a convolution computed tap by tap: dilated Conv2D, DepthwiseConv2D (with a depth multiplier)
/// and the depthwise half of SeparableConv2D. Padding is resolved (TensorFlow's rule on the dilated window) and
/// read as zeros, never copied.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct DirectConvolutionGeometry
{
    /// <summary>Describes a layer; every argument is a build-time constant in generated code.</summary>
    public DirectConvolutionGeometry(int inputHeight, int inputWidth, int inputChannels, int outputHeight, int outputWidth, int outputChannels,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int dilationHeight, int dilationWidth, int padTop, int padLeft)
    {
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        InputChannels = inputChannels;
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
        OutputChannels = outputChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        DilationHeight = dilationHeight;
        DilationWidth = dilationWidth;
        PadTop = padTop;
        PadLeft = padLeft;
    }

    /// <summary>Rows of the input.</summary>
    public int InputHeight { get; }

    /// <summary>Columns of the input.</summary>
    public int InputWidth { get; }

    /// <summary>Channels of the input.</summary>
    public int InputChannels { get; }

    /// <summary>Rows of the output.</summary>
    public int OutputHeight { get; }

    /// <summary>Columns of the output.</summary>
    public int OutputWidth { get; }

    /// <summary>Filters of a full convolution; input channels times the depth multiplier of a depthwise one.</summary>
    public int OutputChannels { get; }

    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }

    /// <summary>Vertical stride.</summary>
    public int StrideHeight { get; }

    /// <summary>Horizontal stride.</summary>
    public int StrideWidth { get; }

    /// <summary>Rows between kernel taps (1: adjacent).</summary>
    public int DilationHeight { get; }

    /// <summary>Columns between kernel taps (1: adjacent).</summary>
    public int DilationWidth { get; }

    /// <summary>Zero rows read above the input.</summary>
    public int PadTop { get; }

    /// <summary>Zero columns read left of the input.</summary>
    public int PadLeft { get; }

    /// <summary>Floats in the input.</summary>
    public int InputLength => InputHeight * InputWidth * InputChannels;

    /// <summary>Floats in the output.</summary>
    public int OutputLength => OutputHeight * OutputWidth * OutputChannels;

    /// <summary>A depthwise convolution's depth multiplier.</summary>
    public int Multiplier => OutputChannels / InputChannels;
}

/// <summary>
/// Convolutions computed tap by tap, vectorised along the channels: a full convolution multiplies each input
/// value by a row of filters (<c>[kh, kw, in, out]</c>, Keras's layout), a depthwise one multiplies each input
/// pixel by its kernel tap channel by channel (<c>[kh, kw, in, multiplier]</c>). Used where the register-blocked
/// tiles do not apply: dilated windows and per-channel kernels.
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DirectConvolutionKernels
{
    /// <summary>A full convolution: <c>y = relu?(conv(x, kernel) + bias)</c>; an empty bias means none.</summary>
    public static void Forward(in DirectConvolutionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> y, bool relu)
    {
        Check(in g, x.Length, y.Length, kernel.Length, g.InputChannels * g.OutputChannels, bias.Length);
        int c = g.InputChannels, f = g.OutputChannels;
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                Span<float> pixel = y.Slice(((oy * g.OutputWidth) + ox) * f, f);
                Start(pixel, bias);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int iy = (oy * g.StrideHeight) - g.PadTop + (ky * g.DilationHeight);
                    if ((uint)iy >= (uint)g.InputHeight)
                    {
                        continue;
                    }

                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int ix = (ox * g.StrideWidth) - g.PadLeft + (kx * g.DilationWidth);
                        if ((uint)ix >= (uint)g.InputWidth)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> input = x.Slice(((iy * g.InputWidth) + ix) * c, c);
                        ReadOnlySpan<float> taps = kernel.Slice(((ky * g.KernelWidth) + kx) * c * f, c * f);
                        for (int ci = 0; ci < c; ci++)
                        {
                            VectorOps.MultiplyAdd(input[ci], taps.Slice(ci * f, f), pixel);
                        }
                    }
                }
            }
        }

        if (relu)
        {
            ActivationKernels.Forward(Activation.ReLU, y, y);
        }
    }

    /// <summary>Adds one sample's kernel (and bias, unless empty) gradients of a full convolution.</summary>
    public static void AccumulateParameterGradients(in DirectConvolutionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> kernelGradient, Span<float> biasGradient)
    {
        Check(in g, x.Length, dy.Length, kernelGradient.Length, g.InputChannels * g.OutputChannels, biasGradient.Length);
        int c = g.InputChannels, f = g.OutputChannels;
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                ReadOnlySpan<float> gradient = dy.Slice(((oy * g.OutputWidth) + ox) * f, f);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int iy = (oy * g.StrideHeight) - g.PadTop + (ky * g.DilationHeight);
                    if ((uint)iy >= (uint)g.InputHeight)
                    {
                        continue;
                    }

                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int ix = (ox * g.StrideWidth) - g.PadLeft + (kx * g.DilationWidth);
                        if ((uint)ix >= (uint)g.InputWidth)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> input = x.Slice(((iy * g.InputWidth) + ix) * c, c);
                        Span<float> taps = kernelGradient.Slice(((ky * g.KernelWidth) + kx) * c * f, c * f);
                        for (int ci = 0; ci < c; ci++)
                        {
                            VectorOps.MultiplyAdd(input[ci], gradient, taps.Slice(ci * f, f));
                        }
                    }
                }
            }
        }

        if (!biasGradient.IsEmpty)
        {
            VectorOps.AccumulateColumnSums(dy, biasGradient);
        }
    }

    /// <summary>Writes the input gradient of a full convolution.</summary>
    public static void InputGradient(in DirectConvolutionGeometry g, ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(in g, dx.Length, dy.Length, kernel.Length, g.InputChannels * g.OutputChannels, 0);
        int c = g.InputChannels, f = g.OutputChannels;
        dx.Clear();
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                ReadOnlySpan<float> gradient = dy.Slice(((oy * g.OutputWidth) + ox) * f, f);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int iy = (oy * g.StrideHeight) - g.PadTop + (ky * g.DilationHeight);
                    if ((uint)iy >= (uint)g.InputHeight)
                    {
                        continue;
                    }

                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int ix = (ox * g.StrideWidth) - g.PadLeft + (kx * g.DilationWidth);
                        if ((uint)ix >= (uint)g.InputWidth)
                        {
                            continue;
                        }

                        Span<float> input = dx.Slice(((iy * g.InputWidth) + ix) * c, c);
                        ReadOnlySpan<float> taps = kernel.Slice(((ky * g.KernelWidth) + kx) * c * f, c * f);
                        for (int ci = 0; ci < c; ci++)
                        {
                            input[ci] += VectorOps.Dot(taps.Slice(ci * f, f), gradient);
                        }
                    }
                }
            }
        }
    }

    /// <summary>A depthwise convolution: output channel <c>c * multiplier + m</c> is input channel c convolved
    /// with kernel <c>[.., .., c, m]</c>; then the bias (unless empty) and the ReLU (if asked).</summary>
    public static void DepthwiseForward(in DirectConvolutionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> y, bool relu)
    {
        Check(in g, x.Length, y.Length, kernel.Length, g.OutputChannels, bias.Length);
        int c = g.InputChannels, m = g.Multiplier, f = g.OutputChannels;
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                Span<float> pixel = y.Slice(((oy * g.OutputWidth) + ox) * f, f);
                Start(pixel, bias);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int iy = (oy * g.StrideHeight) - g.PadTop + (ky * g.DilationHeight);
                    if ((uint)iy >= (uint)g.InputHeight)
                    {
                        continue;
                    }

                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int ix = (ox * g.StrideWidth) - g.PadLeft + (kx * g.DilationWidth);
                        if ((uint)ix >= (uint)g.InputWidth)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> input = x.Slice(((iy * g.InputWidth) + ix) * c, c);
                        ReadOnlySpan<float> taps = kernel.Slice(((ky * g.KernelWidth) + kx) * f, f);
                        if (m == 1)
                        {
                            MergeKernels.MultiplyBackward(input, taps, pixel, accumulate: true);
                            continue;
                        }

                        for (int ci = 0; ci < c; ci++)
                        {
                            VectorOps.MultiplyAdd(input[ci], taps.Slice(ci * m, m), pixel.Slice(ci * m, m));
                        }
                    }
                }
            }
        }

        if (relu)
        {
            ActivationKernels.Forward(Activation.ReLU, y, y);
        }
    }

    /// <summary>Adds one sample's kernel (and bias, unless empty) gradients of a depthwise convolution.</summary>
    public static void DepthwiseAccumulateParameterGradients(in DirectConvolutionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> kernelGradient, Span<float> biasGradient)
    {
        Check(in g, x.Length, dy.Length, kernelGradient.Length, g.OutputChannels, biasGradient.Length);
        int c = g.InputChannels, m = g.Multiplier, f = g.OutputChannels;
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                ReadOnlySpan<float> gradient = dy.Slice(((oy * g.OutputWidth) + ox) * f, f);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int iy = (oy * g.StrideHeight) - g.PadTop + (ky * g.DilationHeight);
                    if ((uint)iy >= (uint)g.InputHeight)
                    {
                        continue;
                    }

                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int ix = (ox * g.StrideWidth) - g.PadLeft + (kx * g.DilationWidth);
                        if ((uint)ix >= (uint)g.InputWidth)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> input = x.Slice(((iy * g.InputWidth) + ix) * c, c);
                        Span<float> taps = kernelGradient.Slice(((ky * g.KernelWidth) + kx) * f, f);
                        if (m == 1)
                        {
                            MergeKernels.MultiplyBackward(input, gradient, taps, accumulate: true);
                            continue;
                        }

                        for (int ci = 0; ci < c; ci++)
                        {
                            VectorOps.MultiplyAdd(input[ci], gradient.Slice(ci * m, m), taps.Slice(ci * m, m));
                        }
                    }
                }
            }
        }

        if (!biasGradient.IsEmpty)
        {
            VectorOps.AccumulateColumnSums(dy, biasGradient);
        }
    }

    /// <summary>Writes the input gradient of a depthwise convolution.</summary>
    public static void DepthwiseInputGradient(in DirectConvolutionGeometry g, ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(in g, dx.Length, dy.Length, kernel.Length, g.OutputChannels, 0);
        int c = g.InputChannels, m = g.Multiplier, f = g.OutputChannels;
        dx.Clear();
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                ReadOnlySpan<float> gradient = dy.Slice(((oy * g.OutputWidth) + ox) * f, f);
                for (int ky = 0; ky < g.KernelHeight; ky++)
                {
                    int iy = (oy * g.StrideHeight) - g.PadTop + (ky * g.DilationHeight);
                    if ((uint)iy >= (uint)g.InputHeight)
                    {
                        continue;
                    }

                    for (int kx = 0; kx < g.KernelWidth; kx++)
                    {
                        int ix = (ox * g.StrideWidth) - g.PadLeft + (kx * g.DilationWidth);
                        if ((uint)ix >= (uint)g.InputWidth)
                        {
                            continue;
                        }

                        Span<float> input = dx.Slice(((iy * g.InputWidth) + ix) * c, c);
                        ReadOnlySpan<float> taps = kernel.Slice(((ky * g.KernelWidth) + kx) * f, f);
                        if (m == 1)
                        {
                            MergeKernels.MultiplyBackward(gradient, taps, input, accumulate: true);
                            continue;
                        }

                        for (int ci = 0; ci < c; ci++)
                        {
                            input[ci] += VectorOps.Dot(taps.Slice(ci * m, m), gradient.Slice(ci * m, m));
                        }
                    }
                }
            }
        }
    }

    private static void Start(Span<float> pixel, ReadOnlySpan<float> bias)
    {
        if (bias.IsEmpty)
        {
            pixel.Clear();
        }
        else
        {
            bias.CopyTo(pixel);
        }
    }

    private static void Check(in DirectConvolutionGeometry g, int inputLength, int outputLength, int kernelLength, int tapLength, int biasLength)
    {
        if (inputLength != g.InputLength || outputLength != g.OutputLength || kernelLength != g.KernelHeight * g.KernelWidth * tapLength
            || (biasLength != 0 && biasLength != g.OutputChannels))
        {
            throw new ArgumentException($"Spans of {inputLength}, {outputLength}, {kernelLength} and {biasLength} values do not fit the convolution "
                + $"{g.InputHeight}x{g.InputWidth}x{g.InputChannels} -> {g.OutputHeight}x{g.OutputWidth}x{g.OutputChannels}, kernel {g.KernelHeight}x{g.KernelWidth}.");
        }
    }
}
