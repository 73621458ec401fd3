using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Kernels;

/// <summary>
/// The sizes of one Conv2D layer, padding resolved (TensorFlow's split for <c>same</c>). A convolution is
/// computed as a valid convolution of the padded input, so the output size follows from the padded one.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct Conv2DGeometry
{
    /// <summary>Describes a layer; every argument is a build-time constant in generated code.</summary>
    public Conv2DGeometry(int inputHeight, int inputWidth, int inputChannels, int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padTop, int padBottom, int padLeft, int padRight)
    {
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        InputChannels = inputChannels;
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        PadTop = padTop;
        PadBottom = padBottom;
        PadLeft = padLeft;
        PadRight = padRight;
    }

    /// <summary>Rows of the input.</summary>
    public int InputHeight { get; }

    /// <summary>Columns of the input.</summary>
    public int InputWidth { get; }

    /// <summary>Channels of the input.</summary>
    public int InputChannels { get; }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }

    /// <summary>Vertical stride.</summary>
    public int StrideHeight { get; }

    /// <summary>Horizontal stride.</summary>
    public int StrideWidth { get; }

    /// <summary>Zero rows above the input.</summary>
    public int PadTop { get; }

    /// <summary>Zero rows below the input.</summary>
    public int PadBottom { get; }

    /// <summary>Zero columns left of the input.</summary>
    public int PadLeft { get; }

    /// <summary>Zero columns right of the input.</summary>
    public int PadRight { get; }

    /// <summary>Whether any padding is added.</summary>
    public bool IsPadded => (PadTop | PadBottom | PadLeft | PadRight) != 0;

    /// <summary>Rows of the padded input.</summary>
    public int PaddedHeight => InputHeight + PadTop + PadBottom;

    /// <summary>Columns of the padded input.</summary>
    public int PaddedWidth => InputWidth + PadLeft + PadRight;

    /// <summary>Rows of the output.</summary>
    public int OutputHeight => ((PaddedHeight - KernelHeight) / StrideHeight) + 1;

    /// <summary>Columns of the output.</summary>
    public int OutputWidth => ((PaddedWidth - KernelWidth) / StrideWidth) + 1;

    /// <summary>Floats in the input.</summary>
    public int InputLength => InputHeight * InputWidth * InputChannels;

    /// <summary>Floats in the output.</summary>
    public int OutputLength => OutputHeight * OutputWidth * Filters;

    /// <summary>Floats in the kernel.</summary>
    public int KernelLength => KernelHeight * KernelWidth * InputChannels * Filters;

    /// <summary>Floats in the padded input (0 when there is no padding): the forward pass's scratch, kept for the backward pass.</summary>
    public int PaddedInputLength => IsPadded ? PaddedHeight * PaddedWidth * InputChannels : 0;

    /// <summary>Floats of temporary space <see cref="Conv2DKernels.InputGradient"/> needs: every output pixel's
    /// window gradient, plus the padded input gradient when there is padding.</summary>
    public int InputGradientScratchLength =>
        (OutputHeight * OutputWidth * KernelHeight * KernelWidth * InputChannels)
        + (IsPadded ? PaddedHeight * PaddedWidth * InputChannels : 0);
}

/// <summary>
/// Conv2D passes on channels-last data with Keras's kernel layout <c>[kh, kw, in, out]</c>, all computed by
/// the register-blocked <see cref="TileKernel"/>: forward (rows = output pixels), kernel gradient (rows =
/// kernel rows, summed over output pixels) and input gradient (rows = output pixels times the transposed
/// kernel gives each window's gradient, which is then added into place).
/// </summary>
/// <remarks>For generated code; the signatures may change between versions.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Conv2DKernels
{
    /// <summary>
    /// <c>output = relu?(conv(input, kernel) + bias)</c>. With padding, the padded input is written to
    /// <paramref name="paddedInput"/> (length <see cref="Conv2DGeometry.PaddedInputLength"/>) and kept there for
    /// the backward pass. An empty <paramref name="bias"/> means no bias.
    /// </summary>
    public static void Forward(in Conv2DGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> output, Span<float> paddedInput, bool relu)
    {
        Check(input.Length, g.InputLength, nameof(input));
        Check(kernel.Length, g.KernelLength, nameof(kernel));
        Check(output.Length, g.OutputLength, nameof(output));
        if (!bias.IsEmpty)
        {
            Check(bias.Length, g.Filters, nameof(bias));
        }

        ReadOnlySpan<float> source = Pad(in g, input, paddedInput);
        TileDriver.Operands operands = ForwardOperands(in g, source, kernel, bias, output, relu);
        var pixels = new PixelRows(g.OutputWidth, g.PaddedWidth, g.InputChannels, g.StrideHeight, g.StrideWidth);
        TileDriver.Run(pixels, g.OutputHeight * g.OutputWidth, ref operands);
    }

    /// <summary>
    /// Inference only: <c>maxpool2x2(relu?(conv(input, kernel) + bias))</c> in one pass, for a convolution
    /// followed by a 2x2, stride-2, valid max pooling. Each tile computes whole pooling windows and stores only
    /// their maximum: the unpooled map is never written, and pixels no window covers (an odd last row or
    /// column) are never computed. <paramref name="pooledOutput"/> has floor(OutputHeight / 2) x
    /// floor(OutputWidth / 2) x Filters values.
    /// </summary>
    public static void ForwardMaxPool2x2(in Conv2DGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> pooledOutput, Span<float> paddedInput, bool relu)
    {
        Check(input.Length, g.InputLength, nameof(input));
        Check(kernel.Length, g.KernelLength, nameof(kernel));
        int pooledHeight = g.OutputHeight / 2, pooledWidth = g.OutputWidth / 2;
        Check(pooledOutput.Length, pooledHeight * pooledWidth * g.Filters, nameof(pooledOutput));
        if (!bias.IsEmpty)
        {
            Check(bias.Length, g.Filters, nameof(bias));
        }

        ReadOnlySpan<float> source = Pad(in g, input, paddedInput);
        TileDriver.Operands operands = ForwardOperands(in g, source, kernel, bias, pooledOutput, relu);
        var windows = new PooledPixelRows(g.PaddedWidth, g.InputChannels, g.StrideHeight, g.StrideWidth);
        TileDriver.RunPooled2x2(windows, pooledHeight, pooledWidth, ref operands);
    }

    /// <summary>
    /// Adds the gradients of one sample to <paramref name="kernelGradient"/> (and <paramref name="biasGradient"/>
    /// unless empty): <c>dK[ky, kx, ci, co] += sum over output pixels of x[pixel + (ky, kx), ci] * dY[pixel, co]</c>.
    /// <paramref name="paddedInput"/> is what <see cref="Forward"/> left there (empty without padding).
    /// </summary>
    public static void AccumulateParameterGradients(in Conv2DGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> paddedInput, ReadOnlySpan<float> outputGradient, Span<float> kernelGradient, Span<float> biasGradient)
    {
        Check(input.Length, g.InputLength, nameof(input));
        Check(outputGradient.Length, g.OutputLength, nameof(outputGradient));
        Check(kernelGradient.Length, g.KernelLength, nameof(kernelGradient));
        ReadOnlySpan<float> source = g.IsPadded ? paddedInput : input;
        Check(source.Length, g.IsPadded ? g.PaddedInputLength : g.InputLength, nameof(paddedInput));
        var operands = new TileDriver.Operands
        {
            A = ref MemoryMarshal.GetReference(source),
            AOuter = (nint)g.StrideHeight * g.PaddedWidth * g.InputChannels,
            AInner = (nint)g.StrideWidth * g.InputChannels,
            B = ref MemoryMarshal.GetReference(outputGradient),
            BOuter = (nint)g.OutputWidth * g.Filters,
            BInner = g.Filters,
            OuterCount = g.OutputHeight,
            InnerCount = g.OutputWidth,
            Output = ref MemoryMarshal.GetReference(kernelGradient),
            OutputRowStride = g.Filters,
            Columns = g.Filters,
            Start = TileStart.Accumulate,
            Bias = ref MemoryMarshal.GetReference(kernelGradient),
            ReLU = false,
        };
        var kernelRows = new KernelRows(g.KernelWidth, g.InputChannels, g.PaddedWidth);
        TileDriver.Run(kernelRows, g.KernelHeight * g.KernelWidth * g.InputChannels, ref operands);
        if (!biasGradient.IsEmpty)
        {
            Check(biasGradient.Length, g.Filters, nameof(biasGradient));
            VectorOps.AccumulateColumnSums(outputGradient, biasGradient);
        }
    }

    /// <summary>Writes the kernel as the matrix <c>[out, kh * kw * in]</c> (Keras's kernel viewed as
    /// <c>[kh * kw * in, out]</c>, transposed): the operand of the input gradient. Do it once per batch.</summary>
    public static void TransposeKernel(in Conv2DGeometry g, ReadOnlySpan<float> kernel, Span<float> transposed)
    {
        Check(kernel.Length, g.KernelLength, nameof(kernel));
        Check(transposed.Length, g.KernelLength, nameof(transposed));
        VectorOps.Transpose(kernel, g.KernelHeight * g.KernelWidth * g.InputChannels, transposed);
    }

    /// <summary>
    /// Writes the gradient with respect to the input: <c>dX[iy, ix, ci] = sum of K[ky, kx, ci, co] * dY[oy, ox, co]</c>
    /// over every output pixel whose window covers (iy, ix). First each window's gradient
    /// <c>dY[pixel] * transposedKernel</c> (a tiled product), then the windows are added into place.
    /// <paramref name="transposedKernel"/> comes from <see cref="TransposeKernel"/>; <paramref name="scratch"/> has
    /// <see cref="Conv2DGeometry.InputGradientScratchLength"/> floats.
    /// </summary>
    public static void InputGradient(in Conv2DGeometry g, ReadOnlySpan<float> transposedKernel, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, Span<float> scratch)
    {
        Check(transposedKernel.Length, g.KernelLength, nameof(transposedKernel));
        Check(outputGradient.Length, g.OutputLength, nameof(outputGradient));
        Check(inputGradient.Length, g.InputLength, nameof(inputGradient));
        Check(scratch.Length, g.InputGradientScratchLength, nameof(scratch));
        int pixels = g.OutputHeight * g.OutputWidth, f = g.Filters;
        int windowLength = g.KernelHeight * g.KernelWidth * g.InputChannels;
        Span<float> windows = scratch.Slice(0, pixels * windowLength);
        var operands = new TileDriver.Operands
        {
            A = ref MemoryMarshal.GetReference(outputGradient),
            AOuter = 0,
            AInner = 1,
            B = ref MemoryMarshal.GetReference(transposedKernel),
            BOuter = 0,
            BInner = windowLength,
            OuterCount = 1,
            InnerCount = f,
            Output = ref MemoryMarshal.GetReference(windows),
            OutputRowStride = windowLength,
            Columns = windowLength,
            Start = TileStart.Zero,
            Bias = ref MemoryMarshal.GetReference(windows),
            ReLU = false,
        };
        TileDriver.Run(new MatrixRows(f), pixels, ref operands);

        Span<float> padded = g.IsPadded ? scratch.Slice(windows.Length) : inputGradient;
        padded.Clear();
        // Sizes in locals: the geometry's computed properties (a division each) must not run per pixel.
        int rowLength = g.KernelWidth * g.InputChannels, outputHeight = g.OutputHeight, outputWidth = g.OutputWidth;
        int kernelHeight = g.KernelHeight, strideHeight = g.StrideHeight, strideWidth = g.StrideWidth;
        int paddedWidth = g.PaddedWidth, channels = g.InputChannels;
        ref float window = ref MemoryMarshal.GetReference(windows);
        ref float gradient = ref MemoryMarshal.GetReference(padded);
        for (int oy = 0; oy < outputHeight; oy++)
        {
            for (int ox = 0; ox < outputWidth; ox++)
            {
                for (int ky = 0; ky < kernelHeight; ky++)
                {
                    nint target = ((((nint)(oy * strideHeight) + ky) * paddedWidth) + (ox * strideWidth)) * channels;
                    VectorOps.AddUnchecked(ref window, ref Unsafe.Add(ref gradient, target), rowLength);
                    window = ref Unsafe.Add(ref window, rowLength);
                }
            }
        }

        if (g.IsPadded)
        {
            int inputRow = g.InputWidth * g.InputChannels;
            for (int y = 0; y < g.InputHeight; y++)
            {
                padded.Slice((((y + g.PadTop) * g.PaddedWidth) + g.PadLeft) * g.InputChannels, inputRow)
                    .CopyTo(inputGradient.Slice(y * inputRow, inputRow));
            }
        }
    }

    /// <summary>The forward product: rows are output pixels (each reading its window row by row from the padded
    /// input), columns are filters, the reduction runs over kernel rows (ky) and each row's taps (kx, ci).</summary>
    private static TileDriver.Operands ForwardOperands(in Conv2DGeometry g, ReadOnlySpan<float> source, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, Span<float> output, bool relu) => new()
    {
        A = ref MemoryMarshal.GetReference(source),
        AOuter = (nint)g.PaddedWidth * g.InputChannels,
        AInner = 1,
        B = ref MemoryMarshal.GetReference(kernel),
        BOuter = (nint)g.KernelWidth * g.InputChannels * g.Filters,
        BInner = g.Filters,
        OuterCount = g.KernelHeight,
        InnerCount = g.KernelWidth * g.InputChannels,
        Output = ref MemoryMarshal.GetReference(output),
        OutputRowStride = g.Filters,
        Columns = g.Filters,
        Start = bias.IsEmpty ? TileStart.Zero : TileStart.Bias,
        Bias = ref MemoryMarshal.GetReference(bias),
        ReLU = relu,
    };

    private static ReadOnlySpan<float> Pad(in Conv2DGeometry g, ReadOnlySpan<float> input, Span<float> padded)
    {
        if (!g.IsPadded)
        {
            return input;
        }

        Check(padded.Length, g.PaddedInputLength, nameof(padded));
        padded.Clear();
        int rowLength = g.InputWidth * g.InputChannels;
        for (int y = 0; y < g.InputHeight; y++)
        {
            input.Slice(y * rowLength, rowLength)
                .CopyTo(padded.Slice((((y + g.PadTop) * g.PaddedWidth) + g.PadLeft) * g.InputChannels));
        }

        return padded;
    }

    private static void Check(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values, got {actual}.", name);
        }
    }

    // The row maps run once per tile, and a tile of a small reduction (the first layer's 9 taps) is only a
    // few hundred cycles: they divide once, then step by precomputed strides (no multiplications per row).

    /// <summary>Output pixel p (row-major) reads the input window starting at its top-left corner.</summary>
    private readonly struct PixelRows : IRowMap
    {
        private readonly int outputWidth;
        private readonly nint rowStep;
        private readonly nint columnStep;

        public PixelRows(int outputWidth, int sourceWidth, int channels, int strideHeight, int strideWidth)
        {
            this.outputWidth = outputWidth;
            rowStep = (nint)strideHeight * sourceWidth * channels;
            columnStep = (nint)strideWidth * channels;
        }

        public void Offsets(int first, int count, ref RowOffsets offsets)
        {
            int oy = first / outputWidth, ox = first - (oy * outputWidth);
            nint rowStart = oy * rowStep, offset = rowStart + (ox * columnStep);
            ref nint target = ref offsets.O0;
            for (int r = 0; r < count; r++)
            {
                Unsafe.Add(ref target, r) = offset;
                offset += columnStep;
                if (++ox == outputWidth)
                {
                    ox = 0;
                    rowStart += rowStep;
                    offset = rowStart;
                }
            }
        }
    }

    /// <summary>Kernel row q = (ky, kx, ci) reads the input at (ky, kx) from each output pixel's window, channel ci.</summary>
    private readonly struct KernelRows : IRowMap
    {
        private readonly int tapLength;
        private readonly nint rowGap;

        public KernelRows(int kernelWidth, int channels, int sourceWidth)
        {
            // Taps (kx, ci) of one kernel row are contiguous in the input; the next kernel row starts a
            // source row further on.
            tapLength = kernelWidth * channels;
            rowGap = ((nint)sourceWidth * channels) - tapLength;
        }

        public void Offsets(int first, int count, ref RowOffsets offsets)
        {
            int ky = first / tapLength, tap = first - (ky * tapLength);
            nint offset = (ky * (rowGap + tapLength)) + tap;
            ref nint target = ref offsets.O0;
            for (int r = 0; r < count; r++)
            {
                Unsafe.Add(ref target, r) = offset;
                offset++;
                if (++tap == tapLength)
                {
                    tap = 0;
                    offset += rowGap;
                }
            }
        }
    }

    /// <summary>The pixels of consecutive 2x2 pooling windows: the top row of every window first, then the
    /// bottom row, each pixel reading its convolution window's top-left input.</summary>
    private readonly struct PooledPixelRows : IPooledRowMap
    {
        private readonly nint rowStep;
        private readonly nint columnStep;

        public PooledPixelRows(int sourceWidth, int channels, int strideHeight, int strideWidth)
        {
            rowStep = (nint)strideHeight * sourceWidth * channels;
            columnStep = (nint)strideWidth * channels;
        }

        public void Offsets(int pooledRow, int pooledColumn, int windows, ref RowOffsets offsets)
        {
            int pixels = 2 * windows;
            nint top = (2 * pooledRow * rowStep) + (2 * pooledColumn * columnStep);
            ref nint target = ref offsets.O0;
            for (int k = 0; k < pixels; k++)
            {
                nint offset = top + (k * columnStep);
                Unsafe.Add(ref target, k) = offset;
                Unsafe.Add(ref target, pixels + k) = offset + rowStep;
            }
        }
    }

    /// <summary>Consecutive rows of a matrix.</summary>
    private readonly struct MatrixRows(int rowLength) : IRowMap
    {
        public void Offsets(int first, int count, ref RowOffsets offsets)
        {
            nint offset = (nint)first * rowLength;
            ref nint target = ref offsets.O0;
            for (int r = 0; r < count; r++)
            {
                Unsafe.Add(ref target, r) = offset;
                offset += rowLength;
            }
        }
    }
}
