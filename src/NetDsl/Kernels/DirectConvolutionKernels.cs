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
        var pass = new FullForward { X = x, Kernel = kernel, Bias = bias, Y = y, C = g.InputChannels, F = g.OutputChannels };
        ForEachTap(in g, ref pass);
        if (relu)
        {
            ActivationKernels.Forward(Activation.ReLU, y, y);
        }
    }

    /// <summary>Adds one sample's kernel (and bias, unless empty) gradients of a full convolution.</summary>
    public static void AccumulateParameterGradients(in DirectConvolutionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> kernelGradient, Span<float> biasGradient)
    {
        Check(in g, x.Length, dy.Length, kernelGradient.Length, g.InputChannels * g.OutputChannels, biasGradient.Length);
        var pass = new FullKernelGradient { X = x, Dy = dy, Dk = kernelGradient, C = g.InputChannels, F = g.OutputChannels };
        ForEachTap(in g, ref pass);
        if (!biasGradient.IsEmpty)
        {
            VectorOps.AccumulateColumnSums(dy, biasGradient);
        }
    }

    /// <summary>Writes the input gradient of a full convolution.</summary>
    public static void InputGradient(in DirectConvolutionGeometry g, ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(in g, dx.Length, dy.Length, kernel.Length, g.InputChannels * g.OutputChannels, 0);
        dx.Clear();
        var pass = new FullInputGradient { Kernel = kernel, Dy = dy, Dx = dx, C = g.InputChannels, F = g.OutputChannels };
        ForEachTap(in g, ref pass);
    }

    /// <summary>A depthwise convolution: output channel <c>c * multiplier + m</c> is input channel c convolved
    /// with kernel <c>[.., .., c, m]</c>; then the bias (unless empty) and the ReLU (if asked).</summary>
    public static void DepthwiseForward(in DirectConvolutionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> y, bool relu)
    {
        Check(in g, x.Length, y.Length, kernel.Length, g.OutputChannels, bias.Length);
        var pass = new DepthwiseForwardPass { X = x, Kernel = kernel, Bias = bias, Y = y, C = g.InputChannels, M = g.Multiplier };
        ForEachTap(in g, ref pass);
        if (relu)
        {
            ActivationKernels.Forward(Activation.ReLU, y, y);
        }
    }

    /// <summary>Adds one sample's kernel (and bias, unless empty) gradients of a depthwise convolution.</summary>
    public static void DepthwiseAccumulateParameterGradients(in DirectConvolutionGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> kernelGradient, Span<float> biasGradient)
    {
        Check(in g, x.Length, dy.Length, kernelGradient.Length, g.OutputChannels, biasGradient.Length);
        var pass = new DepthwiseKernelGradient { X = x, Dy = dy, Dk = kernelGradient, C = g.InputChannels, M = g.Multiplier };
        ForEachTap(in g, ref pass);
        if (!biasGradient.IsEmpty)
        {
            VectorOps.AccumulateColumnSums(dy, biasGradient);
        }
    }

    /// <summary>Writes the input gradient of a depthwise convolution.</summary>
    public static void DepthwiseInputGradient(in DirectConvolutionGeometry g, ReadOnlySpan<float> kernel, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Check(in g, dx.Length, dy.Length, kernel.Length, g.OutputChannels, 0);
        dx.Clear();
        var pass = new DepthwiseInputGradientPass { Kernel = kernel, Dy = dy, Dx = dx, C = g.InputChannels, M = g.Multiplier };
        ForEachTap(in g, ref pass);
    }

    /// <summary>
    /// Every output pixel in order (<see cref="ITapVisitor.Pixel"/>), then each of its kernel taps that reads
    /// inside the input (padding reads zeros, so those taps are skipped): output pixel, input pixel, tap index
    /// <c>ky * kw + kx</c>.
    /// </summary>
    private static void ForEachTap<TVisitor>(in DirectConvolutionGeometry g, ref TVisitor visitor)
        where TVisitor : ITapVisitor, allows ref struct
    {
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                int pixel = (oy * g.OutputWidth) + ox;
                visitor.Pixel(pixel);
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
                        if ((uint)ix < (uint)g.InputWidth)
                        {
                            visitor.Tap(pixel, (iy * g.InputWidth) + ix, (ky * g.KernelWidth) + kx);
                        }
                    }
                }
            }
        }
    }

    private interface ITapVisitor
    {
        /// <summary>Before the taps of output pixel <paramref name="pixel"/>.</summary>
        void Pixel(int pixel);

        /// <summary>Tap <paramref name="tap"/> of output pixel <paramref name="pixel"/> reads input pixel <paramref name="input"/>.</summary>
        void Tap(int pixel, int input, int tap);
    }

    /// <summary>Full forward: each input value times its tap's row of filters (<c>[kh, kw, in, out]</c>).</summary>
    private ref struct FullForward : ITapVisitor
    {
        public ReadOnlySpan<float> X, Kernel, Bias;
        public Span<float> Y;
        public int C, F;

        public readonly void Pixel(int pixel) => Start(Y.Slice(pixel * F, F), Bias);

        public readonly void Tap(int pixel, int input, int tap)
        {
            Span<float> y = Y.Slice(pixel * F, F);
            for (int ci = 0; ci < C; ci++)
            {
                VectorOps.MultiplyAdd(X[(input * C) + ci], Kernel.Slice(((tap * C) + ci) * F, F), y);
            }
        }
    }

    /// <summary>Full kernel gradient: <c>dK[tap, ci, :] += x[ci] * dy</c>.</summary>
    private ref struct FullKernelGradient : ITapVisitor
    {
        public ReadOnlySpan<float> X, Dy;
        public Span<float> Dk;
        public int C, F;

        public readonly void Pixel(int pixel)
        {
        }

        public readonly void Tap(int pixel, int input, int tap)
        {
            ReadOnlySpan<float> dy = Dy.Slice(pixel * F, F);
            for (int ci = 0; ci < C; ci++)
            {
                VectorOps.MultiplyAdd(X[(input * C) + ci], dy, Dk.Slice(((tap * C) + ci) * F, F));
            }
        }
    }

    /// <summary>Full input gradient: <c>dx[ci] += K[tap, ci, :] . dy</c>.</summary>
    private ref struct FullInputGradient : ITapVisitor
    {
        public ReadOnlySpan<float> Kernel, Dy;
        public Span<float> Dx;
        public int C, F;

        public readonly void Pixel(int pixel)
        {
        }

        public readonly void Tap(int pixel, int input, int tap)
        {
            ReadOnlySpan<float> dy = Dy.Slice(pixel * F, F);
            for (int ci = 0; ci < C; ci++)
            {
                Dx[(input * C) + ci] += VectorOps.Dot(Kernel.Slice(((tap * C) + ci) * F, F), dy);
            }
        }
    }

    /// <summary>Depthwise forward: channel by channel (<c>[kh, kw, in, m]</c>); with one kernel per channel, a
    /// whole pixel's channels at once.</summary>
    private ref struct DepthwiseForwardPass : ITapVisitor
    {
        public ReadOnlySpan<float> X, Kernel, Bias;
        public Span<float> Y;
        public int C, M;

        public readonly void Pixel(int pixel) => Start(Y.Slice(pixel * C * M, C * M), Bias);

        public readonly void Tap(int pixel, int input, int tap)
        {
            ReadOnlySpan<float> x = X.Slice(input * C, C), k = Kernel.Slice(tap * C * M, C * M);
            Span<float> y = Y.Slice(pixel * C * M, C * M);
            if (M == 1)
            {
                MergeKernels.MultiplyBackward(x, k, y, accumulate: true);
                return;
            }

            for (int ci = 0; ci < C; ci++)
            {
                VectorOps.MultiplyAdd(x[ci], k.Slice(ci * M, M), y.Slice(ci * M, M));
            }
        }
    }

    /// <summary>Depthwise kernel gradient: <c>dK[tap, ci, :] += x[ci] * dy[ci * m ..]</c>.</summary>
    private ref struct DepthwiseKernelGradient : ITapVisitor
    {
        public ReadOnlySpan<float> X, Dy;
        public Span<float> Dk;
        public int C, M;

        public readonly void Pixel(int pixel)
        {
        }

        public readonly void Tap(int pixel, int input, int tap)
        {
            ReadOnlySpan<float> x = X.Slice(input * C, C), dy = Dy.Slice(pixel * C * M, C * M);
            Span<float> dk = Dk.Slice(tap * C * M, C * M);
            if (M == 1)
            {
                MergeKernels.MultiplyBackward(x, dy, dk, accumulate: true);
                return;
            }

            for (int ci = 0; ci < C; ci++)
            {
                VectorOps.MultiplyAdd(x[ci], dy.Slice(ci * M, M), dk.Slice(ci * M, M));
            }
        }
    }

    /// <summary>Depthwise input gradient: <c>dx[ci] += K[tap, ci, :] . dy[ci * m ..]</c>.</summary>
    private ref struct DepthwiseInputGradientPass : ITapVisitor
    {
        public ReadOnlySpan<float> Kernel, Dy;
        public Span<float> Dx;
        public int C, M;

        public readonly void Pixel(int pixel)
        {
        }

        public readonly void Tap(int pixel, int input, int tap)
        {
            ReadOnlySpan<float> k = Kernel.Slice(tap * C * M, C * M), dy = Dy.Slice(pixel * C * M, C * M);
            Span<float> dx = Dx.Slice(input * C, C);
            if (M == 1)
            {
                MergeKernels.MultiplyBackward(dy, k, dx, accumulate: true);
                return;
            }

            for (int ci = 0; ci < C; ci++)
            {
                dx[ci] += VectorOps.Dot(k.Slice(ci * M, M), dy.Slice(ci * M, M));
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
